"""``sim validate=quick|full``: the model against named stylised facts of the cases and the
literature (docs/validation.md). :mod:`.facts` is the catalogue, :mod:`.measures` the quantities,
:mod:`.runner` runs the facts over seeds, :mod:`.report` writes validation.csv, summary.json and
validation.html, :mod:`.command` is the ``sim`` command."""
