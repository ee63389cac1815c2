"""The rule-based fallback: cues vote, negation turns sentiment over, and it is marked as rules."""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from pathlib import Path

import pytest

from baochi.analyze import Analyzer, evaluate
from baochi.analyze.catalog import TASKS
from baochi.analyze.corpora import Example, crash_blocks, csv_rows, parallel_lines
from baochi.analyze.rules import RuleModel, cue_forms, lexicon
from baochi.vi import carries_diacritics, fold, normalize


def test_lexicon_labels_belong_to_their_tasks() -> None:
    heads = {h.name: h for t in TASKS.values() for h in t.heads}
    for name, entry in lexicon().items():
        if name in ("about", "everyday"):
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


# Everyday words that fold like a cue (a browser walk saw them flagged): các/cặc, đi/đĩ,
# cho and chợ/chó, lớn/lồn, đủ, du and dữ/đụ, vài/vãi, diễn/điên, thắng and tháng/thằng, buổi/buồi.
EVERYDAY = [
    "Chúc mừng các em, niềm tự hào của dân tộc",
    "Cho mình hỏi buổi họp phụ huynh tháng này diễn ra ở đâu?",
    "Đội nhà thắng lớn, đủ sức đi tiếp vào vòng trong",
    "Mưa dữ quá, vài tuyến phố ngập, khách du lịch đi chợ cũng vất vả",
    "cho em hoi cac ban, buoi hop lop tuan nay di dau vay",
]


@pytest.mark.parametrize("comment", EVERYDAY)
def test_everyday_comments_are_clean(comment: str) -> None:
    example = Example(comment, "")
    assert RuleModel("toxicity", folded=True).predict_one(example) == "clean"
    assert RuleModel("toxic", folded=True).predict_one(example) == "0"


@pytest.mark.parametrize(
    ("comment", "label"),
    [
        ("Thằng này ngu vãi, óc chó", "offensive"),
        ("dm thang ngu, oc cho", "offensive"),  # typed without diacritics
        ("đồ súc vật, cút đi", "hate"),
        ("do suc vat, cut di", "hate"),
    ],
)
def test_offensive_comments_are_caught_with_or_without_diacritics(comment: str, label: str) -> None:
    example = Example(comment, "")
    assert RuleModel("toxicity", folded=True).predict_one(example) == label
    assert RuleModel("toxic", folded=True).predict_one(example) == "1"


def test_a_cue_folds_only_where_no_everyday_word_folds_the_same() -> None:
    assert cue_forms("Cặc", plain=False) == ["cặc"]
    assert cue_forms("cặc", plain=True) == ["cặc"]  # "cac" is "các"
    assert cue_forms("óc chó", plain=True) == ["óc chó", "oc cho"]
    assert cue_forms("vl", plain=True) == ["vl"]
    assert cue_forms("ngu", plain=True) == []  # "ngu" is more often "ngủ" or "ngữ"


_WORD = re.compile(r"[^\W\d_]+")


def _readings(texts: list[str], folds: set[str]) -> dict[str, Counter[str]]:
    """How the phrases folding to each of `folds` are spelled in the texts typed with diacritics."""
    sizes = {len(f.split()) for f in folds}
    found: dict[str, Counter[str]] = defaultdict(Counter)
    for text in texts:
        if not carries_diacritics(text):
            continue
        words = _WORD.findall(normalize(text).lower())
        folded = [fold(w) for w in words]
        for n in sizes:
            for i in range(len(words) - n + 1):
                key = " ".join(folded[i : i + n])
                if key in folds:
                    found[key][" ".join(words[i : i + n])] += 1
    return found


def test_everyday_words_are_where_labelled_comments_read_a_folded_cue_otherwise(
    data_dir: Path,
) -> None:
    """A cue is kept from folded matching exactly when, in train comments typed with diacritics,
    its folded form is spelled as another word at least 5 times and more than one time in five."""
    heads = [h.name for t in TASKS.values() if t.applies_to == "posts" for h in t.heads]
    cues = {
        normalize(cue).lower()
        for head in heads
        for found in lexicon()[head]["cues"].values()
        for cue in found
    }
    texts = [e.text for e in csv_rows(data_dir / "vihsd/train.csv", "free_text", "label_id")]
    texts += [e.text for e in csv_rows(data_dir / "victsd/ViCTSD_train.csv", "Comment", "Toxicity")]
    texts += [e.text for e in parallel_lines(data_dir / "uit-vsfc/train")]
    texts += [e.text for e in crash_blocks(data_dir / "aivivn-2019/train.crash")]
    readings = _readings(texts, {fold(c) for c in cues})
    blocked = set()
    for folded, spelled in readings.items():
        other = sum(n for word, n in spelled.items() if word not in cues)
        if other >= 5 and other * 5 > spelled.total():
            blocked.add(folded)
    kept_out = {fold(c) for c in cues if fold(c) not in cue_forms(c, plain=True)}
    assert kept_out == blocked
