"""`python -m rag.cli` runs the presscon command line."""
from . import main

main()
