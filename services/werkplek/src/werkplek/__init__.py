"""De werkplek van de klantregisseur (Common Ground layer 5): pages for people that compose the APIs of
inburgeraar-api, pip-api, aanbieder-api and handhaving-api with the signed-in user's own token.

It owns no personal data and no database: every read and write is the user's own call to the service that owns the
fact, so that service authorises it and writes it to its processing log as that user. Layers: the page modules
(`paginas`) speak HTTP and render; `bronnen` calls the APIs (in parallel, each with a timeout); `sessie` and
`aanmelden` hold who is signed in.
"""
