"""Interactive apps built with ipywidgets: lesson self-checks now, the Voila practice apps over the same logic.

Apps only call the library (``codes``, ``records``, ``grading``); the library never imports them.

    from medcode_practice.apps import selfcheck
    selfcheck.code_entry("Code: type 2 diabetes without complications", "E11.9")
"""
