"""The learned place decision: trained on news-labels, saved without pickle, used on articles."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from baochi.vi.place_decision import FORMAT, NAME, PARTS, PlaceDecision
from baochi.vi.places import detect_places, weigh
from baochi.vi.places_eval import train_decision

DATA = Path(__file__).resolve().parents[3] / "shared" / "data"
LOCAL = (
    "Kẻ đâm chủ quán karaoke lĩnh án 15 năm tù",
    "Ngày 29/5, TAND tỉnh Vĩnh Long mở phiên tòa xét xử bị cáo (28 tuổi, ngụ xã Trường An, "
    "TP Vĩnh Long) về tội giết người.",
)
CAPITAL = (
    "Cháy xưởng gỗ ở huyện Sóc Sơn",
    "Rạng sáng nay, một xưởng gỗ ở xã Phù Linh, huyện Sóc Sơn bốc cháy dữ dội.",
)
NATIONAL = (
    "Quốc hội khai mạc kỳ họp thứ 3",
    "Sáng 22/5, tại Hà Nội, Quốc hội khóa XIV khai mạc kỳ họp thứ 3, xem xét nhiều dự án "
    "luật quan trọng và chất vấn các bộ trưởng.",
)


@pytest.fixture(scope="module")
def trained(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict]:
    if not (DATA / "news-labels" / "train.jsonl").exists():
        pytest.skip(f"news-labels not found under {DATA} (../shared/data is absent)")
    models = tmp_path_factory.mktemp("models")
    return models, train_decision(DATA, models)


def test_trained_decision_is_saved_with_its_figures_and_decides_real_cases(
    trained: tuple[Path, dict],
) -> None:
    models, figures = trained
    meta = json.loads((models / f"{NAME}.json").read_text(encoding="utf-8"))
    assert meta["n_train"] == 1500 and meta["figures"] == figures
    decision = PlaceDecision.load(models)
    assert decision is not None
    assert detect_places(*LOCAL, decision=decision).main == "Vĩnh Long"
    assert detect_places(*CAPITAL, decision=decision).hanoi
    assert detect_places(*NATIONAL, decision=decision).main == "toàn quốc"
    evidence = [weigh(*article)[1] for article in (LOCAL, CAPITAL, NATIONAL)]
    assert [decision.decide(e) for e in evidence] == ["Vĩnh Long", "Hà Nội", "toàn quốc"]


def test_held_out_figures_of_the_learned_decision(trained: tuple[Path, dict]) -> None:
    # Measured 2026-11-28 after the address and national-event fixes: held-out third 0.882 /
    # Hà Nội F1 0.905 (rules: 0.847 / 0.848); 5-fold CV, mean of 5 shuffles, over all 1,500:
    # 0.872 / 0.919; over the development part: 0.872 / 0.935. Raise the floors when the
    # figures rise.
    figures = trained[1]
    assert figures["holdout"]["n"] > 400 and figures["5-fold CV"]["n"] == 1500
    assert (
        figures["development 5-fold CV"]["n"] == figures["5-fold CV"]["n"] - figures["holdout"]["n"]
    )
    assert figures["holdout"]["place_accuracy"] >= 0.87
    assert figures["holdout"]["hanoi_f1"] >= 0.89
    assert figures["development 5-fold CV"]["place_accuracy"] >= 0.865
    assert figures["development 5-fold CV"]["hanoi_f1"] >= 0.93
    assert figures["5-fold CV"]["place_accuracy"] >= 0.865
    assert figures["5-fold CV"]["hanoi_f1"] >= 0.915


def test_evidence_tells_a_venue_from_the_city_s_own_places() -> None:
    # Both name Hà Nội in the lead; only the local story names its wards and districts, while the
    # national session names Hà Nội only as where it met.
    national = weigh(*NATIONAL)[1].parts["Hà Nội"]
    local = weigh(*CAPITAL)[1].parts["Hà Nội"]
    assert dict(zip(PARTS, national, strict=True)) == {
        "title": 0.0, "unit": 0.0, "local": 0.0, "passing": 2.0
    }  # fmt: skip
    assert local[PARTS.index("unit")] > 0 and local[PARTS.index("title")] > 0


def test_missing_or_foreign_files_are_refused_not_run(tmp_path: Path) -> None:
    assert PlaceDecision.load(tmp_path) is None
    np.savez(tmp_path / f"{NAME}.npz", coef=np.zeros((5, 17)), intercept=np.zeros(5))
    (tmp_path / f"{NAME}.json").write_text(json.dumps({"format": 99}), encoding="utf-8")
    with pytest.raises(ValueError, match=r"format .*baochi train place"):
        PlaceDecision.load(tmp_path)
    objects = np.array([{"a": 1}], dtype=object)
    np.savez(tmp_path / f"{NAME}.npz", coef=objects, intercept=objects)
    (tmp_path / f"{NAME}.json").write_text(
        json.dumps(
            {"format": FORMAT, "kinds": ["Hà Nội", "tỉnh", "toàn quốc", "nước ngoài", "không rõ"]}
        ),
        encoding="utf-8",
    )
    with pytest.raises(ValueError, match="pickle"):
        PlaceDecision.load(tmp_path)
