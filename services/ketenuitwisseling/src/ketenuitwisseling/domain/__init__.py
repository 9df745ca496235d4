"""Pure rules of the exchange: which report items an event gives, how a partner fact becomes an owner's command."""
