"""Every query of the delivery context, a module per aggregate: `abonnementen` (the API's, per gemeente),
`queue` (the consumer's and the workers', across gemeenten) and `retention`."""
