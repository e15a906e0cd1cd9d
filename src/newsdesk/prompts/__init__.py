"""What the models are told: prompt templates and the voices (voice-*.toml), with their loaders.

Everything here is package data; `voices` reads and checks the voice files."""
