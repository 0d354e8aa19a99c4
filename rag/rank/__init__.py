"""Stage 5: ranking. Query understanding (typed filters read from the words),
candidates from both indexes, fusion, and collapsing repeated replies."""
