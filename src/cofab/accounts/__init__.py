"""People who log in: owner-company roles and partner users, their API tokens and sign-in guard."""
