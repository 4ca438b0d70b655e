"""A module that fails while it is imported."""

raise ValueError("this module cannot be imported")
