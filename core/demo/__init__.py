"""``est demo``'s lived-in municipalities: weeks of generated reports (``source = "demo"``) moved through each
pilot's real cycle, so that a newcomer opens charts with history, coloured assessments and a week collecting.

``places`` says where things happen, ``generate`` what is reported and when, ``texts`` what the coordinators write,
``flow`` moves one period through the org model's cycle with the API's own services, and ``seed`` ties them
together per tenant, idempotently."""
