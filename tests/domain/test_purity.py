import subprocess
import sys


def test_domain_imports_without_django():
    """Import the whole domain package in a fresh interpreter that has Django blocked."""
    code = (
        "import sys, pkgutil, importlib\n"
        "sys.modules['django'] = None\n"
        "import entrepot.domain as d\n"
        "for m in pkgutil.iter_modules(d.__path__):\n"
        "    importlib.import_module('entrepot.domain.' + m.name)\n"
        "print('ok')\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "ok"
