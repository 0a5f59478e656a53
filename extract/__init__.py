"""French NLP stages of depeches: cleaning, tagging and fact extraction."""
