"""Voila's configuration for `make present` (the projector view) and its browser test.

Voila reads this file when started with --Voila.config_file_paths=present. Before it runs
a notebook, the cells an audience must not see are dropped, found by their tags
(DESIGN.md, "Writing a notebook"): worked solutions, the checkers (their prompt,
"replace None ...", can only be acted on in code), test scaffolding, and the printed copy
of an explorer's opening readout (for frontends without widgets; live, the readout is on
screen under the figure). The exercise
questions stay: they are prose a teacher can put to the room.
"""

HIDDEN_TAGS = {"solution", "checker", "scaffolding", "readout-copy"}


def drop_hidden_cells(request_handler, notebook, cwd):
    notebook.cells = [cell for cell in notebook.cells
                      if not HIDDEN_TAGS & set(cell.get("metadata", {}).get("tags", []))]
    return notebook


c = get_config()  # noqa: F821 (Voila's config loader provides get_config)
c.VoilaConfiguration.prelaunch_hook = drop_hidden_cells
