"""Verification: is every sentence of a draft supported by the sources it cites?

`verifier` splits the draft, cites each sentence and runs the exact `checks`; `judge` asks a
model where the checks cannot decide; `rewrite` and `verifier.repair` mend what failed."""
