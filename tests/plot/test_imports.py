"""Figures never need explorers: importing lrlab.plot loads neither lrlab.explore nor widgets."""

import subprocess
import sys


def test_plot_imports_no_explorer_and_no_widget():
    code = ("import sys, lrlab.plot; bad = sorted(m for m in sys.modules "
            "if m.startswith('lrlab.explore') or m.split('.')[0] in ('ipywidgets', 'ipympl')); "
            "print(bad); sys.exit(bool(bad))")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
