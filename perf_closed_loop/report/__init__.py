from . import results_xlsx
