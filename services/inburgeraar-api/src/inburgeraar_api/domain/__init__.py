"""The pure domain of the person context (Wet inburgering 2021): rules, facts and decisions, no I/O.

Modules: `regels` (the versioned table of policy numbers), `enums` (every closed value set, the API values),
`basis` (model conventions and building blocks), `plicht` (DUO's facts folded into a stand), `klantprofiel`
(COA's profile and the consent rule), `brede_intake` (intake results, the medical-data refusal, the oproep
rule), `ontzorgen` (Participatiewet art. 56a) and `kalender` (calendar arithmetic the rules share).
"""
