"""Knowledge base: documents in, answers with citations out (`kb`, `ask`)."""
