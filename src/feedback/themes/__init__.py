"""Theme tagging of free text: taxonomy, redaction, danger check, offline TextBlob, evaluation."""
