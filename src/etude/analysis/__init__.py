"""Analyses: numbers and codes out, never a sentence (words are attached by :mod:`etude.publish`).

========================  ===========================================================================
:mod:`.stats`             frequencies of multi-response items, intervals, rankings, profiles
:mod:`.compare`           two populations (or groups) compared on shares, with multiplicity control
:mod:`.multitest`         p-value adjustments (statsmodels)
:mod:`.indicators`        year-on-year indicators, distance to the 2 % target
:mod:`.waves`             one survey wave against another
:mod:`.plan`              remedies and the action plan
:mod:`.matching`          buyers' needs and companies' offers: pair scores, meeting plan
========================  ===========================================================================
"""
