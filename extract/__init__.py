"""French NLP stages of depeches: cleaning, tagging and fact extraction."""

__all__ = ["DEFAULT_MODEL", "TEXT_KEY", "text_of"]

# The medium French model: better organisation and person tags than the small one at a similar speed (README).
DEFAULT_MODEL = "fr_core_news_md"
# Where a doc keeps its text, once joined (`text_of`).
TEXT_KEY = "depeches_text"


def text_of(doc) -> str:
    """The text of a doc, joined once and kept with it: `Doc.text` rebuilds it from the tokens at every call."""
    text = doc.user_data.get(TEXT_KEY)
    if text is None:
        text = doc.user_data[TEXT_KEY] = doc.text
    return text

