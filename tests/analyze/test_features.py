"""Feature blocks: the title, the lexicon's cue votes and the place evidence get own columns."""

from __future__ import annotations

import numpy as np

from baochi.analyze.corpora import Example
from baochi.analyze.features import FeatureParams, Featurizer
from baochi.analyze.linear import ModelParams
from baochi.analyze.place_words import place_words
from baochi.analyze.rules import RuleModel

CRASH = Example(
    "Vụ tai nạn xảy ra lúc 7 giờ sáng trên quốc lộ 5. "
    + "Lực lượng chức năng có mặt. " * 20
    + "Hai người bị thương được đưa đi cấp cứu.",
    "",
    "Xe tải lật trên quốc lộ, một người tử vong",
)


def test_cue_tokens_count_votes_where_they_occur() -> None:
    rules = RuleModel("tone", folded=False)
    assert rules.cue_tokens(CRASH, 60) == "tnegative lnegative rnegative"
    assert rules.cue_tokens(CRASH, len(CRASH.text)) == "tnegative lnegative lnegative rnegative"
    quiet = Example("Lịch phát sóng các chương trình tuần này.", "", "Lịch phát sóng")
    assert rules.cue_tokens(quiet, 500) == "rneutral"


def test_title_and_cue_blocks_sit_after_the_others() -> None:
    params = FeatureParams(max_chars=60, bits=12, title_words=True, cues="tone")
    assert params.blocks == 4
    width = 2**params.bits
    x = Featurizer(params).counts([CRASH]).toarray()[0]
    assert x.shape == (4 * width,)
    words, title, cues = x[:width], x[2 * width : 3 * width], x[3 * width :]
    assert title.sum() < words.sum() and title.sum() > 0
    assert cues.sum() == 3 + 2  # three cue words and their two bigrams
    plain = Featurizer(FeatureParams(max_chars=60, bits=12)).counts([CRASH]).toarray()[0]
    assert np.array_equal(plain, x[: 2 * width])
    assert ModelParams.from_json(ModelParams(params).to_json()).features == params


ABROAD = Example(
    "Tổng thống Mỹ Donald Trump hôm qua tiếp Thủ tướng Nhật Bản Shinzo Abe tại Washington; "
    "hai bên bàn về Triều Tiên và quan hệ với Trung Quốc.",
    "",
    "Ông Trump và ông Abe gặp nhau ở Mỹ",
)
HANOI = Example(
    "Công an quận Cầu Giấy (Hà Nội) đã bắt giữ đối tượng trộm xe máy trên phố Trần Thái Tông.",
    "",
    "Hà Nội: bắt kẻ trộm xe máy ở Cầu Giấy",
)


def test_place_words_say_where_the_story_is() -> None:
    abroad = place_words(ABROAD, 600).split()
    assert abroad[0] == "pmabroad"
    assert {"pab0", "pnf0", "pnf1", "pnf2", "pftitle"} <= set(abroad)
    assert not any(t.startswith("pvn") for t in abroad)
    hanoi = place_words(HANOI, 600).split()
    assert hanoi[0] == "pmhanoi"
    assert "pvn2" in hanoi and not any(t.startswith(("pab", "pnf")) for t in hanoi)
    assert place_words(Example("", "", "Chuyện thường ngày"), 600) == "pmunknown"


def test_place_block_sits_last_and_reads_only_the_lead() -> None:
    params = FeatureParams(max_chars=3000, bits=12, places=60)
    assert params.blocks == 3
    width = 2**params.bits
    trip = "Ông Trump tới Nhật Bản và Hàn Quốc."
    late = Example("Chuyện kể lại. " * 10 + trip, "", "Một chuyến đi")
    x = Featurizer(params).counts([ABROAD, late]).toarray()
    plain = Featurizer(FeatureParams(max_chars=3000, bits=12)).counts([ABROAD, late]).toarray()
    assert np.array_equal(plain, x[:, : 2 * width])
    assert x[0, 2 * width :].sum() == len(place_words(ABROAD, 60).split())
    assert x[1, 2 * width :].sum() == 1  # the foreign names come after the first 60 characters
    assert ModelParams.from_json(ModelParams(params).to_json()).features == params
