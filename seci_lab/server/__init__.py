"""The servers behind ``seci-lab serve`` and ``seci-lab workshop``; one concern per module.

- :mod:`.config`: the serve settings (:class:`~.config.ServeConfig`), the shipped notebooks,
  the checks of the served folder, and Voila's command line;
- :mod:`.network`: listen addresses (loopback, wildcard, the LAN address) and the port check;
- :mod:`.tokens`: the room token's rules and the facilitator key given to ``--resume``;
- :mod:`.gate`: :class:`~.gate.PageGate`, which builds pages a few at a time;
- :mod:`.app`: the Voila application and its page handler, the start-up banner;
- :mod:`.workshop`: ``seci-lab workshop`` (its two dashboard servers, the session);
- :mod:`.dashboard`: one dashboard's server, a child process of ``seci-lab workshop``;
- :mod:`.errors`: :class:`~.errors.UserError`.

The environment variables' names live in :mod:`seci_lab.env`, which every layer reads.
Nothing here imports the widgets (:mod:`seci_lab.ui`), and :mod:`seci_lab.cli` only parses the
command line and calls in here. Importing this package is cheap: Voila, tornado and
SQLAlchemy are imported where they are used.
"""
