"""The rule-based fallback: cues vote, negation turns sentiment over, and it is marked as rules."""

from __future__ import annotations

from pathlib import Path

from baochi.analyze import Analyzer, evaluate
from baochi.analyze.corpora import Example
from baochi.analyze.rules import RuleModel, lexicon


def test_lexicon_labels_belong_to_their_tasks() -> None:
    from baochi.analyze.catalog import TASKS

    heads = {h.name: h for t in TASKS.values() for h in t.heads}
    for name, entry in lexicon().items():
        if name == "about":
            continue
        assert entry["default"] in heads[name].labels
        assert set(entry["cues"]) <= set(heads[name].labels)


def test_articles_get_topic_and_tone_from_cues() -> None:
    rules = RuleModel("topic", folded=False)
    crime = Example("Công an đã bắt giữ đối tượng lừa đảo chiếm đoạt tài sản.", "", "Khởi tố vụ án")
    football = Example("Đội tuyển giành chiến thắng 2-0, cầu thủ ghi bàn phút 89.", "", "Bóng đá")
    assert rules.predict_examples([crime, football]) == ["phap_luat", "the_thao"]
    assert RuleModel("tone", folded=False).predict_one(crime) == "negative"


def test_sentiment_negation_and_missing_diacritics() -> None:
    rules = RuleModel("sentiment", folded=True)
    assert rules.predict_one(Example("thầy dạy rất nhiệt tình, dễ hiểu", "")) == "positive"
    assert rules.predict_one(Example("giảng bài ko hay", "")) == "negative"
    assert rules.predict_one(Example("giang bai kem qua", "")) == "negative"
    assert rules.predict_one(Example("lớp học lúc 7 giờ", "")) == "neutral"


def test_analyzer_without_models_marks_every_head_as_rules(tmp_path: Path) -> None:
    analyzer = Analyzer.load(None)
    assert Analyzer.load(tmp_path).models.keys() == analyzer.models.keys()
    [article] = analyzer.analyze_articles([{"title": "Khánh thành cầu vượt", "text": "Hà Nội."}])
    assert article["topic"] == "do_thi" and article["tone"] == "positive"
    assert set(article["model"].values()) == {"rules"}
    [post] = analyzer.analyze_posts(["đồ súc vật, cút đi"])
    assert post["toxicity"] == "hate" and post["toxic"] == "1"
    assert post["model"]["sentiment"] == "rules"


def test_rules_figures_are_measured_on_dev(data_dir: Path) -> None:
    result = evaluate(["toxic"], data_dir, None)["toxic"]
    assert result["model"] == "rules"
    assert result["figures"]["split"] == "dev" and result["figures"]["n"] == 2000
    assert result["reference"]["value"] == 59.40
    assert 5 < result["figures"]["headline_value"] < 59.40
    assert result["constructive"]["figures"]["headline_value"] > 50
