"""The engine: scenarios, the conductor and workers, the lifecycle model and the
exporters. Pure Python with no Qt, so the command line, the conductor and every
worker can import it cheaply (a test enforces that)."""
