"""Synthetic missions shaped like ODIHR's 2019 mission to Kazakhstan, at any scale, deterministic by seed.

One generator serves the demo (`manage.py seed_demo`), the benchmarks (bench/) and the tests:

- `synthetic.scale.mission_generate(slug=, stations=, sto_teams=)`: a mission with geography, roster, teams, plan,
  checklists and logins; `synthetic.voting.voting_forms_generate(mission=, count=, start=)`: voting forms in bulk.
- `synthetic.demo.demo_mission_seed()` and `synthetic.second.second_mission_seed()`: the two demo missions.
- `synthetic.election_day.election_day_generate(mission=)`: every team's election day along its planned route.
- `synthetic.answers.AnswerMaker`: plausible answers to any checklist; `synthetic.writing.forms_write`: built forms
  written in bulk (COPY on PostgreSQL) with their first revisions.

It sits above every domain app and only calls their public services; nothing in the product imports it.
"""
