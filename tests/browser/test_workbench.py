"""The workbench in a real browser, as a process owner: edit, validate, deploy, migrate."""
from __future__ import annotations

from playwright.sync_api import expect
from sqlalchemy import select

from engine.platform.models import ProcessInstance, Task
from tests.browser.conftest import login, shot
from tests.conftest import CASEWORKER, COORDINATOR
from tests.course import REFERRAL, complete, k_meeting, start_course


def open_tasks(engine):
    with engine.reader() as uow:
        return sorted((t.id, t.instance_id, t.element_id, t.assignee, t.state, t.process_version_id)
                      for t in uow.session.scalars(select(Task).where(Task.state == "ready")))


def test_a_process_owner_changes_the_follow_up_interval_deploys_and_migrates(page, engine, deployed):
    at_referral = start_course(engine, CASEWORKER, name="Ung Et")["id"]
    at_guide = start_course(engine, CASEWORKER, name="Ung To")["id"]
    complete(engine, CASEWORKER, at_guide, "henvisning", REFERRAL)
    complete(engine, COORDINATOR, at_guide, "k_moede", k_meeting())
    before = open_tasks(engine)
    assert {t[2] for t in before} == {"henvisning", "accepter_guide"}

    login(page, "per")
    page.get_by_role("link", name="Procesmodeller").click()
    process = page.locator('[data-process="samarbejdsmodel"]')
    expect(process.locator('tr[data-version="1"] .running-count')).to_have_text("2")
    shot(page, "workbench-library")
    process.get_by_role("link", name="Åbn nyeste version").click()
    expect(page.locator("body[data-modeler-ready=true]")).to_have_count(1)

    # The follow-up interval: select the timer event and edit its value in the properties panel.
    page.locator('.djs-element[data-element-id="vent_paa_opfoelgning"]').first.click(force=True)
    shot(page, "workbench-timer-selected")
    panel = page.locator("#properties")
    panel.get_by_text("Timer", exact=True).click()
    interval = panel.locator("#bio-properties-panel-timerEventDefinitionValue")
    expect(interval).to_have_value("P3M")

    # A value that is not an ISO 8601 duration: an error marked on the event, in Danish.
    interval.fill("P3 måneder")
    marker = page.locator('.samspil-problem--error[data-element-id="vent_paa_opfoelgning"]')
    expect(marker).to_be_visible()
    expect(page.locator("#problems")).to_contain_text("Timerværdien «P3 måneder» er ikke en varighed")
    expect(page.locator("#problem-counts")).to_have_text("1 fejl, 0 advarsler")
    shot(page, "workbench-validation-error")
    page.get_by_role("button", name="Udrul ny version").click()
    expect(page.locator("#status")).to_have_text("Ret fejlene før du udruller.")

    interval.fill("P1M")
    expect(marker).to_have_count(0)
    expect(page.locator("#problem-counts")).to_have_text("0 fejl, 0 advarsler")
    page.get_by_role("button", name="Udrul ny version").click()
    expect(page.locator("#status")).to_contain_text("Version 2 er udrullet.")
    shot(page, "workbench-deployed")

    # What changed, coloured on the diagram.
    page.goto("/procesmodeller/samarbejdsmodel/forskel?fra=1&til=2")
    expect(page.locator('#diff-list li.diff-changed[data-element-id="vent_paa_opfoelgning"]')).to_contain_text("timer")
    expect(page.locator("body[data-diff-ready=true]")).to_have_count(1)
    expect(page.locator('#diagram-to .djs-element.diff-changed[data-element-id="vent_paa_opfoelgning"]')).to_have_count(1)
    shot(page, "workbench-diff")

    # Dry run, then move the running courses in batches.
    page.goto("/procesmodeller/samarbejdsmodel/migrering?fra=1&til=2")
    page.get_by_role("button", name="Prøvekørsel").click()
    expect(page.locator("#migration-status")).to_have_text("2 af 2 forløb kan flyttes.")
    page.get_by_role("button", name="Flyt forløbene").click()
    page.get_by_role("button", name="Ja, flyt forløbene").click()  # the move asks for confirmation first
    expect(page.locator("#migration-status")).to_have_text("2 forløb er flyttet til version 2.")
    expect(page.locator("#migration-progress")).to_have_attribute("value", "100")
    for moved in (at_referral, at_guide):
        expect(page.locator(f'#migration-table tr[data-instance="{moved}"] td[data-outcome]')).to_have_text("Flyttet")
    shot(page, "workbench-migrated")

    # The young people's tasks are intact: the same tasks, people and steps, now on version 2.
    after = open_tasks(engine)
    assert [t[:5] for t in after] == [t[:5] for t in before]
    assert {t[5] for t in after} == {2} and {t[5] for t in before} == {1}
    with engine.reader() as uow:
        assert {i.process_version_id for i in uow.session.scalars(select(ProcessInstance))} == {2}
    page.goto("/procesmodeller/")
    expect(process.locator('tr[data-version="2"] .running-count')).to_have_text("2")
    expect(process.locator('tr[data-version="1"] .running-count')).to_have_text("0")


def test_every_miwg_reference_model_opens_in_the_modeler_with_its_problems_listed(page, engine, deployed):
    from engine.definitions import drafts
    from tests.conftest import OWNER
    from tests.small_diagrams import MIWG

    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    login(page, "per")
    models = sorted(MIWG.glob("*.bpmn"))
    assert len(models) >= 20
    for path in models:
        key = "miwg_" + path.stem.replace(".", "_")
        drafts.save_draft(engine.uow(), OWNER, key, {path.name: path.read_text(encoding="utf-8")})
        page.goto(f"/procesmodeller/{key}/modeller?kladde=1")
        expect(page.locator("body[data-modeler-ready=true]"), path.name).to_have_count(1)
        expect(page.locator("#problem-counts"), f"{path.name} {errors}").not_to_be_empty()
        assert page.locator("#canvas .djs-element").count() > 1, path.name
    assert errors == []
    shot(page, "workbench-miwg-last")


def test_a_form_schema_edit_shows_in_the_preview_and_a_test_run_steps_as_each_role(page, engine, deployed):
    login(page, "per")
    page.goto("/procesmodeller/samarbejdsmodel/modeller")
    expect(page.locator("body[data-modeler-ready=true]")).to_have_count(1)
    page.get_by_label("Formular til opgaven").select_option("accepter_guide")
    schema = page.get_by_label("Formularens JSON Schema")
    schema.fill('{"type": "object", "properties": {"accepteret": {"type": "boolean", "title": "Accepterer du?"},'
                ' "tidspunkt": {"type": "string", "format": "date", "title": "Første møde"}}}')
    expect(page.locator("#form-preview")).to_contain_text("Første møde")
    expect(page.locator("#form-preview input[type=date]")).to_have_count(1)
    schema.fill('{"type": "object", ')
    expect(page.locator("#form-schema-error")).to_contain_text("Ugyldig JSON")
    expect(page.locator("#form-preview")).to_contain_text("Første møde")  # the last valid schema stays shown

    page.get_by_role("button", name="Start forfra").click()
    task = page.locator('.test-task[data-element-id="henvisning"]')
    expect(task).to_be_visible()
    task.locator("textarea").fill(__import__("json").dumps(REFERRAL))
    task.get_by_role("button").click()
    expect(page.locator('.test-task[data-element-id="k_moede"]')).to_be_visible()
    page.get_by_role("button", name="Lad tiden gå").click()
    expect(page.locator("#test-state")).to_contain_text("2026-02-04")
    shot(page, "workbench-test-run")
    with engine.reader() as uow:  # the sandbox touched no real data
        assert uow.session.scalars(select(ProcessInstance)).all() == []


def test_two_owners_save_the_same_draft_and_the_second_is_told(page, new_page, engine, deployed):
    from engine.definitions import drafts
    from tests.conftest import OWNER
    from tests.workbench import default_files_text

    drafts.save_draft(engine.uow(), OWNER, "samarbejdsmodel", default_files_text(), based_on_version=1)
    other = new_page()
    for browser_page, user in ((page, "per"), (other, "admin")):
        login(browser_page, user)
        browser_page.goto("/procesmodeller/samarbejdsmodel/modeller?kladde=1")
        expect(browser_page.locator("body[data-modeler-ready=true]")).to_have_count(1)
    page.get_by_role("button", name="Gem kladde").click()
    expect(page.locator("#status")).to_have_text("Kladden er gemt (revision 2).")
    # The lane's role, in the Samspil group of the properties panel.
    lane = other.locator('.djs-element[data-element-id="Lane_ungeguide"]').first
    box = lane.bounding_box()
    lane.click(position={"x": box["width"] - 20, "y": 10})
    expect(other.locator("#properties")).to_contain_text("Rolle (banens navn)")
    other.get_by_role("button", name="Gem kladde").click()
    expect(other.locator("#status")).to_contain_text("Kladden blev gemt af en anden imens")
    shot(other, "workbench-draft-conflict")
    assert drafts.get_draft(engine.uow(), OWNER, "samarbejdsmodel")["revision"] == 2


def test_a_diagram_without_a_drawing_is_laid_out_in_the_modeler_and_said_so(page, engine, deployed):
    from engine.definitions import drafts
    from tests.conftest import OWNER
    from tests.small_diagrams import diagram, lane, linear

    xml = diagram(linear('<bpmn:userTask id="t1" name="Samtale"/>',
                         lanes=lane("L1", "sagsbehandler", "start", "t1", "end")), drawn=False)
    drafts.save_draft(engine.uow(), OWNER, "uden_tegning", {"uden_tegning.bpmn": xml})
    login(page, "per")
    page.goto("/procesmodeller/uden_tegning/modeller?kladde=1")
    expect(page.locator("body[data-modeler-ready=true]")).to_have_count(1)
    expect(page.locator("#status")).to_contain_text("elementerne er placeret automatisk")
    expect(page.locator('.djs-element[data-element-id="t1"]')).to_have_count(1)
    page.get_by_role("button", name="Gem kladde").click()
    expect(page.locator("#status")).to_have_text("Kladden er gemt (revision 2).")
    assert "BPMNDiagram" in drafts.get_draft(engine.uow(), OWNER, "uden_tegning")["files"]["uden_tegning.bpmn"]
    shot(page, "workbench-laid-out")


def test_a_course_at_a_renamed_step_moves_once_the_owner_maps_it(page, engine, deployed):
    from engine.definitions import deployment
    from tests.conftest import OWNER
    from tests.workbench import default_files_text, k_meeting_renamed

    at_meeting = start_course(engine, CASEWORKER)["id"]
    complete(engine, CASEWORKER, at_meeting, "henvisning", REFERRAL)
    before = open_tasks(engine)
    deployment.deploy(engine.uow(), k_meeting_renamed(default_files_text()), OWNER)
    login(page, "per")
    page.goto("/procesmodeller/samarbejdsmodel/migrering?fra=1&til=2")
    page.get_by_role("button", name="Prøvekørsel").click()
    expect(page.locator("#migration-status")).to_have_text("0 af 1 forløb kan flyttes.")
    expect(page.locator("#migration-table")).to_contain_text("k_moede")
    expect(page.get_by_role("button", name="Flyt forløbene")).to_be_disabled()
    page.get_by_label("Trinnet k_moede findes ikke i den nye version; det svarer til:").select_option("k_moede_ny")
    page.get_by_role("button", name="Prøvekørsel").click()
    expect(page.locator("#migration-status")).to_have_text("1 af 1 forløb kan flyttes.")
    page.get_by_role("button", name="Flyt forløbene").click()
    page.get_by_role("button", name="Ja, flyt forløbene").click()
    expect(page.locator("#migration-status")).to_have_text("1 forløb er flyttet til version 2.")
    after = open_tasks(engine)
    assert [t[0] for t in after] == [t[0] for t in before] and [t[2] for t in after] == ["k_moede_ny"]
    shot(page, "workbench-mapped")


def test_a_process_owner_reading_english_sees_diagram_problems_in_english(page, engine, deployed):
    login(page, "per")
    page.get_by_role("button", name="English").click()
    page.goto("/procesmodeller/samarbejdsmodel/modeller?version=1")
    expect(page.locator("body[data-modeler-ready=true]")).to_have_count(1)
    page.locator('.djs-element[data-element-id="vent_paa_opfoelgning"]').first.click(force=True)
    panel = page.locator("#properties")
    panel.get_by_text("Timer", exact=True).click()
    panel.locator("#bio-properties-panel-timerEventDefinitionValue").fill("P3 months")
    expect(page.locator('.samspil-problem--error[data-element-id="vent_paa_opfoelgning"]')).to_be_visible()
    expect(page.locator("#problems")).to_contain_text(
        "The timer value «P3 months» is not a duration (e.g. P3M) in ISO 8601 format")
    expect(page.locator("#problems")).not_to_contain_text("Timerværdien")
    expect(page.locator("#problem-counts")).to_have_text("1 error, 0 warnings")
    shot(page, "workbench-validation-error-english")


def test_a_process_owner_marks_a_lane_as_the_young_persons_and_the_modeler_checks_its_tasks(page, engine, deployed):
    login(page, "per")
    page.goto("/procesmodeller/samarbejdsmodel/modeller")
    expect(page.locator("body[data-modeler-ready=true]")).to_have_count(1)
    panel = page.locator("#properties")

    def select_lane(lane_id):
        lane = page.locator(f'.djs-element[data-element-id="{lane_id}"]').first
        box = lane.bounding_box()
        lane.click(position={"x": box["width"] - 20, "y": 10})
        checkbox = panel.get_by_label("Banen tilhører den unge")
        if not checkbox.is_visible():
            panel.get_by_text("Samspil", exact=True).click()  # open the Samspil group
        expect(checkbox).to_be_visible()
        return checkbox

    # The default course's own lane for the young person is marked so, and its label says "Den unge".
    expect(page.locator('.djs-element[data-element-id="Lane_ung"]').first).to_contain_text("Den unge")
    expect(select_lane("Lane_ung")).to_be_checked()
    # Marking the guide's lane as the young person's renames it, and the guide's work there is refused.
    youth_box = select_lane("Lane_ungeguide")
    expect(youth_box).not_to_be_checked()
    youth_box.check()
    expect(page.locator('.djs-element[data-element-id="Lane_ungeguide"]').first).to_contain_text("Den unge")
    marker = page.locator('.samspil-problem--error[data-element-id="opfoelgningsforloeb"]')
    expect(marker).to_be_visible()
    expect(page.locator("#problems")).to_contain_text("kan ikke ligge i den unges bane")
    shot(page, "workbench-youth-lane")
