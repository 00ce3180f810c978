"""Test helpers, apart: a local dashboard server and a Chromium set-up for browser tests and benchmarks."""
