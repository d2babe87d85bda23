from . import test_project_measures
