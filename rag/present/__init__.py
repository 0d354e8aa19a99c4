"""Stage 6: presenting hits: analysis over time, exports, the chat's HTML, word diffs."""
