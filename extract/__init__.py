"""French NLP stages of depeches: cleaning, tagging and fact extraction."""

__all__ = ["DEFAULT_MODEL"]

# The medium French model: better organisation and person tags than the small one at a similar speed (README).
DEFAULT_MODEL = "fr_core_news_md"
