"""Stories: every outlet's coverage of one event grouped into one story, kept across days.

`cluster` is the algorithm (records in, story ids out); `jsonl` reads the clustering file
format of `newsdesk cluster` and the evaluation corpus."""
