def test_repo_layout():
    import pathlib
    assert (pathlib.Path(__file__).parent.parent / "perf_closed_loop" / "__manifest__.py").is_file()
