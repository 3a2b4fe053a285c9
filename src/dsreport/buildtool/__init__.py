"""The build tool around the pipeline: `dsreport build`'s command, the cache that skips an
unchanged bundle, staged output swapped in whole, worker processes, batch builds, watching
and progress display. The pipeline itself (`dsreport.pipeline`) knows none of this.
"""
