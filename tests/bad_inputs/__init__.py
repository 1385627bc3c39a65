"""Reliability test support: the bad-input catalogue generator (:mod:`make_cases`) and a shared fresh demo run
(:mod:`runs`), used by tests/test_bad_inputs.py, test_audit.py, test_browser.py and test_nothing_lost.py."""
