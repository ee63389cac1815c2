"""Feature blocks: the title and the lexicon's cue votes each get columns of their own."""

from __future__ import annotations

import numpy as np

from baochi.analyze.corpora import Example
from baochi.analyze.features import FeatureParams, Featurizer
from baochi.analyze.linear import ModelParams
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
