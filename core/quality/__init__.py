"""Quality control: the rules that grade every reading and the US EPA correction of
low-cost PM2.5, as pure functions below the readings pipeline that applies them."""
