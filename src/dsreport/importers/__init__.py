"""Ways into a bundle other than writing it by hand: from an example, from a predictions
table, from MLflow runs. Each writes a bundle whose open items are the parts only a person
can write (`dsreport.bundle.questions`)."""
