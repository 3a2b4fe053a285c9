"""Load: files on disk -> a typed bundle, with every problem collected and located.

The modules are imported where they are used (`dsreport.load.loader`), so that light
callers (the CLI's option parsing, the build cache) do not import pandas.
"""
