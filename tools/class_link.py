"""Print the nbgitpuller link that gives a class this course on a JupyterHub.

A student who opens the link logs in to the hub, and nbgitpuller (installed
in the hub's user image) clones this repository into their home, or updates
their clone without overwriting their own changes, then opens
``notebooks/00-start-here.ipynb`` in JupyterLab. The link is built from this
clone's git remote (``origin``, else the first one), or from ``--repo``::

    python tools/class_link.py --hub https://hub.example.edu [--branch main] [--repo URL]

(``make class-link HUB=https://hub.example.edu [BRANCH=main] [REPO=URL]``.)
"""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
from pathlib import Path
from urllib.parse import quote, urlencode, urlsplit

REPO = Path(__file__).resolve().parents[1]
START = "notebooks/00-start-here.ipynb"
# git@host:owner/name(.git), the form a clone over ssh records
SCP_LIKE = re.compile(r"^[\w.-]+@([\w.-]+):(.+)$")


class UsageError(ValueError):
    """Bad input: the message names the argument and what is allowed."""


def hub_url(text):
    """The hub's address without a trailing slash; a UsageError unless it is an http(s) URL."""
    text = (text or "").strip()
    if not text:
        raise UsageError("HUB is required: the address of the JupyterHub, e.g. "
                         "make class-link HUB=https://hub.example.edu")
    parts = urlsplit(text)
    if parts.scheme not in ("http", "https") or not parts.hostname or " " in text:
        raise UsageError(f"HUB must be the hub's web address starting with https:// (or "
                         f"http://), e.g. https://hub.example.edu; got {text!r}")
    if parts.query or parts.fragment:
        raise UsageError(f"HUB must be the hub's address with no ?query or #part; got {text!r}")
    path = parts.path.rstrip("/")
    if path.endswith("/hub"):
        path = path[:-4]        # the link adds /hub/ itself
    return f"{parts.scheme}://{parts.netloc}{path}"


def branch_name(text):
    text = (text or "").strip()
    ok = subprocess.run(["git", "check-ref-format", "--branch", text or "-"],
                        capture_output=True, cwd=REPO).returncode == 0
    if not text or not ok:
        raise UsageError(f"BRANCH must be a git branch name, e.g. main; got {text!r}")
    return text


def remote_url(explicit=None, repo=REPO):
    """The clone address the hub will use: ``explicit``, else the git remote of ``repo``."""
    if explicit:
        url = explicit.strip()
    else:
        remotes = subprocess.run(["git", "remote"], capture_output=True, text=True,
                                 cwd=repo).stdout.split()
        if not remotes:
            raise UsageError(
                "this clone has no git remote, so a hub has nothing to pull. Publish the "
                "repository where the hub can reach it (e.g. a public GitHub or GitLab "
                "repository: git remote add origin https://github.com/OWNER/REPO.git && "
                "git push -u origin main), or name it: make class-link HUB=... REPO=https://...")
        name = "origin" if "origin" in remotes else remotes[0]
        url = subprocess.run(["git", "remote", "get-url", name], capture_output=True, text=True,
                             cwd=repo).stdout.strip()
    scp = SCP_LIKE.match(url)
    if scp:                     # students' servers have no ssh key: clone over https
        url = f"https://{scp.group(1)}/{scp.group(2)}"
    if urlsplit(url).scheme not in ("http", "https"):
        raise UsageError(
            f"REPO must be an https:// address the hub can clone from; the remote is {url!r}, "
            "which a hub's servers cannot reach. Name one: make class-link HUB=... "
            "REPO=https://github.com/OWNER/REPO.git")
    return url


def link(hub, repo, branch, start=START):
    """The nbgitpuller link: clone ``repo`` at ``branch`` into a folder named after it, open
    ``start`` in JupyterLab.

    >>> link("https://hub.example.edu", "https://github.com/me/lrlab.git", "main")
    'https://hub.example.edu/hub/user-redirect/git-pull?repo=https%3A%2F%2Fgithub.com%2Fme%2Flrlab.git&branch=main&targetpath=lrlab&urlpath=lab%2Ftree%2Flrlab%2Fnotebooks%2F00-start-here.ipynb'
    """
    folder = urlsplit(repo).path.rstrip("/").rsplit("/", 1)[-1].removesuffix(".git") or "course"
    query = urlencode({"repo": repo, "branch": branch, "targetpath": folder,
                       "urlpath": f"lab/tree/{folder}/{start}"}, quote_via=quote)
    return f"{hub}/hub/user-redirect/git-pull?{query}"


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--hub", help="the JupyterHub's address, e.g. https://hub.example.edu")
    parser.add_argument("--branch", default="main")
    parser.add_argument("--repo", help="clone address (default: this clone's git remote)")
    args = parser.parse_args(argv)
    try:
        hub = hub_url(args.hub)
        branch = branch_name(args.branch)
        repo = remote_url(args.repo)
    except UsageError as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    print(f"Give your students this link (the course from {repo}, branch {branch}):\n")
    print(f"    {link(hub, repo, branch)}\n")
    print("It opens notebooks/00-start-here.ipynb in JupyterLab on the hub. The hub's user image "
          "needs nbgitpuller and the course's requirements.txt (see docs/jupyterhub/README.md).")
    return 0


if __name__ == "__main__":
    sys.exit(main())
