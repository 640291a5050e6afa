"""Static-site generator for the bilingual public-service handbook of Yanbian County."""

__version__ = "0.1.0"
