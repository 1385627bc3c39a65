"""Safe publication: what a run may publish about small groups, and proof that it publishes nothing else.

========================  ===========================================================================
:mod:`.disclosure`        primary and secondary suppression, merged groups
:mod:`.recovery`          what a reader can recover about suppressed cells (linear programs), ``etude audit``
:mod:`.published`         what every number a table prints gives back (shares, bounds, sub-groups, small groups)
:mod:`.statements`        the respondent numbers the run's sentences print, read from their marks
:mod:`.audit`             the privacy scan of a run folder (personal data, raw ids, small counts)
========================  ===========================================================================
"""
