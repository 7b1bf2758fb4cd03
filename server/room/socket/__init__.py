"""The room's socket layer: Socket.IO events in, acknowledgements out (:mod:`.dispatch`), the
events that are not rules (:mod:`.events`), error messages in each person's language."""
