from . import perf_closed_loop
