"""`python -m generator` runs the handbook command."""
import sys

from .launch import main

sys.exit(main())
