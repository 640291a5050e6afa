"""Print: booklets and leaflets typeset by Typst (booklets, leaflets), what print shows of a service (printed), the
Typst machinery they share (typesetting) and saddle-stitch page order (impose).

May import: data and present; never web, opendata or output."""
