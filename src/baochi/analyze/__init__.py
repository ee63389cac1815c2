"""Understanding articles and posts: topic, tone, toxicity, toxic comments and sentiment.

`train` builds and measures models from the public data (plus the office's own labels),
`evaluate` re-measures them beside the rule-based fallback and published results, and
`Analyzer` labels batches in the pipeline, with the rules standing in for any missing model.
"""

from baochi.analyze.analyzer import Analyzer
from baochi.analyze.catalog import TASKS
from baochi.analyze.evaluation import evaluate
from baochi.analyze.training import train

__all__ = ["TASKS", "Analyzer", "evaluate", "train"]
