//! The deployment project (seed: Stakeholders Form .. Deployment Project Completion): its stages
//! in order, and the one rule for moving from one to the next.

use super::tickets::vocabulary;
use serde::{Deserialize, Serialize};

vocabulary!(
    /// Where a deployment project stands; DOMAIN.md's order is the declaration order.
    Stage, "stage" {
        Stakeholders = "stakeholders", "Stakeholders";
        PreInstall = "pre_install", "Pre-install";
        Installation = "installation", "Installation";
        Training = "training", "Training";
        Testing = "testing", "Testing (UAT)";
        GoLive = "go_live", "Go-live";
        Warranty = "warranty", "Warranty";
        Completed = "completed", "Completed";
    }
);

vocabulary!(
    /// The forms of a project (seed: Stakeholders Form, Pre-Install Form, Go-Live Form, Deployment
    /// Project Completion form); each can carry files, such as a scanned signed copy.
    ProjectForm, "form" {
        Stakeholders = "stakeholders", "Stakeholders form";
        PreInstall = "pre_install", "Pre-install form";
        GoLive = "go_live", "Go-Live form";
        Completion = "completion", "Completion form";
    }
);

impl Stage {
    /// The stage after this one; none after completion.
    pub fn next(self) -> Option<Stage> {
        let at = Stage::ALL.iter().position(|s| *s == self)?;
        Stage::ALL.get(at + 1).copied()
    }
}

/// Where each stage stands on a project's timeline.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum StageState {
    Done,
    Current,
    Upcoming,
}

pub fn stage_state(stage: Stage, current: Stage) -> StageState {
    match stage.cmp(&current) {
        std::cmp::Ordering::Less => StageState::Done,
        std::cmp::Ordering::Equal if current == Stage::Completed => StageState::Done,
        std::cmp::Ordering::Equal => StageState::Current,
        std::cmp::Ordering::Greater => StageState::Upcoming,
    }
}

/// Whether a project at `current` may move to `to`: only to the very next stage, never back,
/// never past one not done. The message says why not, for the person who asked.
pub fn check_advance(current: Stage, to: Stage) -> Result<(), String> {
    match current.next() {
        None => Err("The project is complete; start a new project for a new site or a re-deployment.".into()),
        Some(next) if to == next => Ok(()),
        Some(_) if to <= current => Err(format!(
            "The project is at {} already; stages never move back (record what changed in a ticket).",
            current.label()
        )),
        Some(next) => Err(format!("Finish {} first: stages follow each other in order.", next.label())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use Stage::*;

    #[test]
    fn stages_follow_each_other_in_the_seed_order() {
        let order: Vec<Option<Stage>> = Stage::ALL.iter().map(|s| s.next()).collect();
        assert_eq!(
            order,
            [
                Some(PreInstall),
                Some(Installation),
                Some(Training),
                Some(Testing),
                Some(GoLive),
                Some(Warranty),
                Some(Completed),
                None
            ]
        );
    }

    #[test]
    fn a_project_moves_only_to_the_next_stage() {
        let cases: [(Stage, Stage, Option<&str>); 7] = [
            (Stakeholders, PreInstall, None),
            (Testing, GoLive, None),
            (Warranty, Completed, None),
            (Stakeholders, Installation, Some("Finish Pre-install first")),
            (Training, Training, Some("at Training already")),
            (GoLive, Stakeholders, Some("never move back")),
            (Completed, Completed, Some("The project is complete")),
        ];
        for (current, to, refusal) in cases {
            let result = check_advance(current, to);
            match refusal {
                None => assert_eq!(result, Ok(()), "{current:?} -> {to:?}"),
                Some(words) => {
                    assert!(result.as_ref().is_err_and(|m| m.contains(words)), "{current:?} -> {to:?}: {result:?}")
                }
            }
        }
    }

    #[test]
    fn the_timeline_marks_stages_done_current_and_upcoming() {
        assert_eq!(stage_state(Stakeholders, Training), StageState::Done);
        assert_eq!(stage_state(Training, Training), StageState::Current);
        assert_eq!(stage_state(GoLive, Training), StageState::Upcoming);
        assert_eq!(stage_state(Completed, Completed), StageState::Done, "a completed project has no current stage");
    }
}

vocabulary!(
    /// What a contact on the Stakeholders form answers for (seed: Stakeholders Form).
    StakeholderRole, "responsibility" {
        ProjectSponsor = "project_sponsor", "Project sponsor";
        ItContact = "it_contact", "IT contact";
        Trainer = "trainer", "Trainer and superuser";
        Billing = "billing", "Billing contact";
        AfterHours = "after_hours", "After-hours contact";
    }
);

impl StakeholderRole {
    /// Responsibilities the form must name: someone who owns the project, someone for the
    /// systems, and the trainer who becomes the organisation's superuser ("train the trainer").
    pub const REQUIRED: [StakeholderRole; 3] =
        [StakeholderRole::ProjectSponsor, StakeholderRole::ItContact, StakeholderRole::Trainer];
}

vocabulary!(
    /// Where a form stands: the client submits it, CyTrack accepts it or returns it to be mended.
    FormStatus, "form status" {
        NotSubmitted = "not_submitted", "Not submitted";
        Submitted = "submitted", "Submitted";
        Returned = "returned", "Returned for changes";
        Accepted = "accepted", "Accepted";
    }
);

/// What a form's status allows: the client (re)submits until CyTrack accepted it; CyTrack
/// decides only on a submitted form.
pub fn may_submit(status: FormStatus) -> Result<(), String> {
    match status {
        FormStatus::Accepted => Err("The form was accepted; ask your account manager to change anything on it.".into()),
        _ => Ok(()),
    }
}

pub fn may_decide(status: FormStatus) -> Result<(), String> {
    match status {
        FormStatus::Submitted => Ok(()),
        FormStatus::Accepted => Err("The form was accepted already.".into()),
        _ => Err("The client has not submitted the form yet.".into()),
    }
}

/// Which responsibilities a Stakeholders form leaves unnamed (each required one once at least;
/// exactly one trainer).
pub fn stakeholders_missing(roles: &[StakeholderRole]) -> Vec<String> {
    let mut problems: Vec<String> = StakeholderRole::REQUIRED
        .iter()
        .filter(|r| !roles.contains(r))
        .map(|r| format!("Name a {}.", r.label().to_lowercase()))
        .collect();
    if roles.iter().filter(|r| **r == StakeholderRole::Trainer).count() > 1 {
        problems.push("Name one trainer: they become the organisation's superuser.".into());
    }
    problems
}

vocabulary!(
    /// Where a user acceptance test item stands (seed: Testing, UAT).
    UatStatus, "test result" {
        Open = "open", "Not tested yet";
        Passed = "passed", "Passed";
        Failed = "failed", "Failed";
        Waived = "waived", "Waived";
    }
);

/// Test items are listed (and waived) until the project goes live.
pub fn test_items_open(stage: Stage) -> bool {
    stage <= Stage::Testing
}

/// UAT is done when there is something to test and every item passed or was waived.
pub fn uat_done(items: &[UatStatus]) -> bool {
    !items.is_empty() && items.iter().all(|s| matches!(s, UatStatus::Passed | UatStatus::Waived))
}

/// What is done on a project, as far as its stages' gates look.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StageChecks {
    pub stakeholders: FormStatus,
    pub pre_install: FormStatus,
    /// What was installed is recorded against the agreed inclusions.
    pub installation_recorded: bool,
    /// A training session the organisation's superuser attended is recorded.
    pub superuser_trained: bool,
    /// Every test item passed or was waived (`uat_done`).
    pub uat_done: bool,
}

/// What a stage waits for before the project may leave it. Go-live and warranty are never left
/// by hand: the forms that end them move the project (`SignedFormStatus`).
pub fn leave_stage(stage: Stage, done: StageChecks) -> Result<(), String> {
    match stage {
        Stage::Stakeholders if done.stakeholders != FormStatus::Accepted => {
            Err("The Stakeholders form is not accepted yet: the client submits it, then CyTrack accepts it.".into())
        }
        Stage::PreInstall if done.pre_install != FormStatus::Accepted => Err(
            "The Pre-install form is not accepted yet: the client acknowledges each module's requirements and gives \
             the site's details, then CyTrack accepts it."
                .into(),
        ),
        Stage::Installation if !done.installation_recorded => {
            Err("Record what was installed against the agreed inclusions first.".into())
        }
        Stage::GoLive => Err(
            "Go-live comes with the Go-Live form: the client's superuser signs it, or CyTrack records an assessed \
             go-live with a reason."
                .into(),
        ),
        Stage::Warranty => Err(
            "The project completes when the client signs the Deployment Completion form, or by itself 21 days \
             after go-live."
                .into(),
        ),
        Stage::Training if !done.superuser_trained => Err(
            "Record the superuser's training first: testing starts once the trainer has been trained (train the trainer)."
                .into(),
        ),
        Stage::Testing if !done.uat_done => Err(
            "User acceptance testing is not done: every test item must pass, or be waived by CyTrack with a reason."
                .into(),
        ),
        _ => Ok(()),
    }
}

#[cfg(test)]
mod form_tests {
    use super::*;
    use StakeholderRole::*;

    #[test]
    fn a_stakeholders_form_names_the_required_people_and_one_trainer() {
        let cases: [(&[StakeholderRole], usize); 5] = [
            (&[ProjectSponsor, ItContact, Trainer], 0),
            (&[ProjectSponsor, ItContact, Trainer, Billing, AfterHours, Billing], 0),
            (&[ProjectSponsor, ItContact], 1),
            (&[], 3),
            (&[ProjectSponsor, ItContact, Trainer, Trainer], 1),
        ];
        for (roles, problems) in cases {
            assert_eq!(stakeholders_missing(roles).len(), problems, "{roles:?}");
        }
    }

    #[test]
    fn forms_are_submitted_until_accepted_and_decided_once_submitted() {
        use FormStatus::*;
        let cases =
            [(NotSubmitted, true, false), (Submitted, true, true), (Returned, true, false), (Accepted, false, false)];
        for (status, submit, decide) in cases {
            assert_eq!(may_submit(status).is_ok(), submit, "{status:?}");
            assert_eq!(may_decide(status).is_ok(), decide, "{status:?}");
        }
    }

    #[test]
    fn uat_is_done_when_every_item_passed_or_was_waived() {
        use UatStatus::*;
        let cases: [(&[UatStatus], bool); 5] = [
            (&[], false),
            (&[Passed, Waived], true),
            (&[Passed, Open], false),
            (&[Passed, Failed], false),
            (&[Waived], true),
        ];
        for (items, done) in cases {
            assert_eq!(uat_done(items), done, "{items:?}");
        }
    }

    #[test]
    fn stages_wait_for_what_they_need() {
        let done = |stakeholders, superuser_trained| StageChecks {
            stakeholders,
            pre_install: FormStatus::Accepted,
            installation_recorded: true,
            superuser_trained,
            uat_done: false,
        };
        let cases = [
            (Stage::Stakeholders, done(FormStatus::Submitted, false), false),
            (Stage::Stakeholders, done(FormStatus::Returned, true), false),
            (Stage::Stakeholders, done(FormStatus::Accepted, false), true),
            (Stage::PreInstall, done(FormStatus::Accepted, false), true),
            (Stage::Training, done(FormStatus::Accepted, false), false),
            (Stage::Training, done(FormStatus::Accepted, true), true),
            (Stage::Testing, done(FormStatus::Accepted, true), false),
            (Stage::Testing, StageChecks { uat_done: true, ..done(FormStatus::Accepted, true) }, true),
            (
                Stage::PreInstall,
                StageChecks { pre_install: FormStatus::Submitted, ..done(FormStatus::Accepted, true) },
                false,
            ),
            (
                Stage::Installation,
                StageChecks { installation_recorded: false, ..done(FormStatus::Accepted, true) },
                false,
            ),
            (Stage::Installation, done(FormStatus::Accepted, true), true),
            (Stage::GoLive, StageChecks { uat_done: true, ..done(FormStatus::Accepted, true) }, false),
            (Stage::Warranty, StageChecks { uat_done: true, ..done(FormStatus::Accepted, true) }, false),
        ];
        for (stage, checks, leaves) in cases {
            assert_eq!(leave_stage(stage, checks).is_ok(), leaves, "{stage:?} with {checks:?}");
        }
    }
}

vocabulary!(
    /// What the standard installation includes, in numbers agreed per organisation (seed:
    /// Installation); more than agreed is an additional fee.
    InclusionItem, "installation item" {
        Queues = "queues", "Queues";
        RecordedAnnouncements = "recorded_announcements", "Recorded announcements";
        CydeskWebSeats = "cydesk_web_seats", "CyDesk web seats";
        Reports = "reports", "Reports";
        Dashboards = "dashboards", "Dashboards";
        Cychat = "cychat", "CyChat seats";
    }
);

/// How many of an item were installed beyond the agreed number: the additional fee's quantity.
pub fn additional(agreed: u32, installed: u32) -> u32 {
    installed.saturating_sub(agreed)
}

/// A module a client may buy and the minimum requirements its site must meet (seed: Pre-Install
/// Form). Admins keep the catalogue; `default_catalogue` is where a new portal starts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct ModuleRequirements {
    pub module: String,
    pub requirements: Vec<String>,
}

pub fn default_catalogue() -> Vec<ModuleRequirements> {
    let module = |name: &str, requirements: &[&str]| ModuleRequirements {
        module: name.into(),
        requirements: requirements.iter().map(|r| r.to_string()).collect(),
    };
    vec![
        module(
            "CyCall contact centre",
            &[
                "A server or virtual machine with 4 CPU cores, 16 GB of memory and 200 GB of disk",
                "Windows Server 2019 or later, patched",
                "A SIP trunk or ISDN service from a supported carrier",
                "Remote access for CyTrack's engineers (TeamViewer) during the deployment",
            ],
        ),
        module(
            "Recorded announcements",
            &["Announcements supplied as WAV files, 8 kHz, 16-bit, mono", "Scripts approved before recording"],
        ),
        module(
            "CyDesk web",
            &[
                "Agents' PCs run a current Chrome, Edge or Firefox",
                "A headset for every agent",
                "Ports 443 and 5060-5061 open between agents and the server",
            ],
        ),
        module("Reports and dashboards", &["A SQL Server instance for reporting", "Screens for the wallboards"]),
        module("CyChat", &["A website the chat widget can be added to", "A public HTTPS address for the chat server"]),
    ]
}

/// Checks a catalogue an admin wrote: named modules, each once, each with a requirement.
pub fn check_catalogue(catalogue: &[ModuleRequirements]) -> Result<(), String> {
    let mut seen = std::collections::HashSet::new();
    for m in catalogue {
        if m.module.trim().is_empty() {
            return Err("Name every module.".into());
        }
        if !seen.insert(m.module.trim().to_lowercase()) {
            return Err(format!("{} is listed twice.", m.module));
        }
        if m.requirements.iter().all(|r| r.trim().is_empty()) {
            return Err(format!("List at least one requirement of {}.", m.module));
        }
    }
    Ok(())
}

/// The requirements of the deployed modules a Pre-install form leaves unacknowledged, as
/// "module: requirement".
pub fn unacknowledged(required: &[ModuleRequirements], acknowledged: &[(String, String)]) -> Vec<String> {
    required
        .iter()
        .flat_map(|m| m.requirements.iter().map(move |r| (m.module.as_str(), r.as_str())))
        .filter(|(m, r)| !acknowledged.iter().any(|(am, ar)| am == m && ar == r))
        .map(|(m, r)| format!("{m}: {r}"))
        .collect()
}

vocabulary!(
    /// Where a form the client signs stands (seed: Go Live, Deployment Project Completion).
    SignedFormStatus, "signed form status" {
        NotIssued = "not_issued", "Not issued yet";
        Issued = "issued", "Issued, awaiting signature";
        Signed = "signed", "Signed";
        Assessed = "assessed", "Go-live assessed by CyTrack";
        Deemed = "deemed", "Deemed complete";
    }
);

impl SignedFormStatus {
    /// Signed, assessed or deemed: the form is closed and never changes again.
    pub fn is_closed(self) -> bool {
        matches!(self, SignedFormStatus::Signed | SignedFormStatus::Assessed | SignedFormStatus::Deemed)
    }
}

/// Why a form may not be signed: not issued, or closed already (the first signature stands).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SignRefusal {
    NotIssued(String),
    Closed(String),
    Unfulfilled(String),
}

/// One commercial condition attached to go-live (seed: Go Live).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct GoLiveCondition {
    pub text: String,
    pub fulfilled: bool,
}

/// Whether go-live may be approved now, signed or assessed: the form issued and open, every
/// commercial condition fulfilled.
pub fn may_approve_go_live(status: SignedFormStatus, conditions: &[GoLiveCondition]) -> Result<(), SignRefusal> {
    match status {
        SignedFormStatus::NotIssued => {
            return Err(SignRefusal::NotIssued("The Go-Live form is issued when the project reaches go-live.".into()))
        }
        s if s.is_closed() => {
            return Err(SignRefusal::Closed(format!("Go-live was recorded already ({}).", s.label().to_lowercase())))
        }
        _ => {}
    }
    let open: Vec<&str> = conditions.iter().filter(|c| !c.fulfilled).map(|c| c.text.as_str()).collect();
    match open.is_empty() {
        true => Ok(()),
        false => Err(SignRefusal::Unfulfilled(format!(
            "Go-live waits for its commercial conditions: {} not fulfilled yet.",
            open.join("; ")
        ))),
    }
}

/// An assessed go-live's date: not before user acceptance testing was done, not in the future.
pub fn check_assessed_go_live(
    on: chrono::NaiveDate,
    testing_done_on: chrono::NaiveDate,
    today: chrono::NaiveDate,
) -> Result<(), String> {
    if on < testing_done_on {
        return Err(format!(
            "The system cannot have gone live before testing was done ({}).",
            testing_done_on.format("%Y-%m-%d")
        ));
    }
    if on > today {
        return Err("An assessed go-live is a day that has come; record it once the system is live.".into());
    }
    Ok(())
}

/// Whether the Deployment Completion form may be signed: issued (at go-live + 7), not signed
/// before, and the project not deemed complete already (on go-live + 21, by date even before the
/// job has run).
pub fn may_sign_completion(
    status: SignedFormStatus,
    deemed_on: chrono::NaiveDate,
    today: chrono::NaiveDate,
) -> Result<(), SignRefusal> {
    match status {
        SignedFormStatus::NotIssued => Err(SignRefusal::NotIssued(
            "The Deployment Completion form is issued one week after go-live; sign it then.".into(),
        )),
        SignedFormStatus::Deemed => Err(SignRefusal::Closed(
            "The project was deemed complete 21 days after go-live; the form is closed.".into(),
        )),
        s if s.is_closed() => {
            Err(SignRefusal::Closed("The form was signed already; the first signature stands.".into()))
        }
        _ if today >= deemed_on => Err(SignRefusal::Closed(format!(
            "The project was deemed complete on {} (21 days after go-live); the form is closed.",
            deemed_on.format("%Y-%m-%d")
        ))),
        _ => Ok(()),
    }
}

/// A signature: the full name typed must be the signer's own (case and spacing aside).
pub fn check_signature(typed: &str, account_name: &str) -> Result<String, String> {
    let words = |s: &str| s.split_whitespace().map(str::to_lowercase).collect::<Vec<_>>();
    match !typed.trim().is_empty() && words(typed) == words(account_name) {
        true => Ok(typed.split_whitespace().collect::<Vec<_>>().join(" ")),
        false => Err(format!("Type your full name as it is on your account ({account_name}) to sign.")),
    }
}

#[cfg(test)]
mod signing_tests {
    use super::*;
    use chrono::NaiveDate;
    use SignedFormStatus::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn additional_fees_count_what_is_beyond_the_agreement() {
        for (agreed, installed, extra) in [(4, 4, 0), (4, 6, 2), (4, 1, 0), (0, 3, 3)] {
            assert_eq!(additional(agreed, installed), extra, "{agreed} agreed, {installed} installed");
        }
    }

    #[test]
    fn every_deployed_requirement_is_acknowledged() {
        let catalogue = vec![ModuleRequirements { module: "A".into(), requirements: vec!["x".into(), "y".into()] }];
        let ack =
            |pairs: &[(&str, &str)]| pairs.iter().map(|(m, r)| (m.to_string(), r.to_string())).collect::<Vec<_>>();
        let cases: [(Vec<(String, String)>, Vec<&str>); 3] = [
            (ack(&[("A", "x"), ("A", "y")]), vec![]),
            (ack(&[("A", "x")]), vec!["A: y"]),
            (ack(&[("B", "x"), ("A", "z")]), vec!["A: x", "A: y"]),
        ];
        for (acknowledged, missing) in cases {
            assert_eq!(unacknowledged(&catalogue, &acknowledged), missing, "{acknowledged:?}");
        }
        assert!(check_catalogue(&default_catalogue()).is_ok());
        let twice = vec![catalogue[0].clone(), ModuleRequirements { module: " a".into(), ..catalogue[0].clone() }];
        assert!(check_catalogue(&twice).is_err());
        let empty = vec![ModuleRequirements { module: "A".into(), requirements: vec![" ".into()] }];
        assert!(check_catalogue(&empty).is_err());
    }

    #[test]
    fn go_live_waits_for_the_form_and_every_condition() {
        let met = GoLiveCondition { text: "Deposit paid".into(), fulfilled: true };
        let unmet = GoLiveCondition { text: "Licences ordered".into(), fulfilled: false };
        let cases: [(SignedFormStatus, Vec<GoLiveCondition>, Option<fn(&SignRefusal) -> bool>); 5] = [
            (Issued, vec![], None),
            (Issued, vec![met.clone()], None),
            (
                Issued,
                vec![met.clone(), unmet.clone()],
                Some(|r| matches!(r, SignRefusal::Unfulfilled(m) if m.contains("Licences ordered"))),
            ),
            (NotIssued, vec![], Some(|r| matches!(r, SignRefusal::NotIssued(_)))),
            (Signed, vec![met], Some(|r| matches!(r, SignRefusal::Closed(_)))),
        ];
        for (status, conditions, refusal) in cases {
            let result = may_approve_go_live(status, &conditions);
            match refusal {
                None => assert_eq!(result, Ok(()), "{status:?}"),
                Some(expected) => assert!(result.as_ref().is_err_and(expected), "{status:?}: {result:?}"),
            }
        }
    }

    #[test]
    fn an_assessed_go_live_follows_testing_and_has_come() {
        let (testing_done, today) = (d("2026-03-10"), d("2026-03-20"));
        let cases = [("2026-03-10", true), ("2026-03-20", true), ("2026-03-09", false), ("2026-03-21", false)];
        for (on, ok) in cases {
            assert_eq!(check_assessed_go_live(d(on), testing_done, today).is_ok(), ok, "{on}");
        }
    }

    #[test]
    fn the_completion_form_is_signed_once_between_issue_and_deeming() {
        let deemed_on = d("2026-03-22");
        let cases: [(SignedFormStatus, &str, Option<bool>); 6] = [
            (Issued, "2026-03-08", None),
            (Issued, "2026-03-21", None),
            (Issued, "2026-03-22", Some(true)),
            (NotIssued, "2026-03-05", Some(false)),
            (Signed, "2026-03-10", Some(true)),
            (Deemed, "2026-03-23", Some(true)),
        ];
        for (status, today, refusal) in cases {
            let result = may_sign_completion(status, deemed_on, d(today));
            match refusal {
                None => assert_eq!(result, Ok(()), "{status:?} on {today}"),
                Some(closed) => assert_eq!(
                    matches!(result, Err(SignRefusal::Closed(_))),
                    closed,
                    "{status:?} on {today}: {result:?}"
                ),
            }
            assert_eq!(result.is_ok(), refusal.is_none());
        }
    }

    #[test]
    fn a_signature_is_the_signers_own_name() {
        let cases =
            [("Sam Superuser", true), ("  sam   SUPERUSER ", true), ("Sam", false), ("", false), ("Pat Other", false)];
        for (typed, ok) in cases {
            assert_eq!(check_signature(typed, "Sam Superuser").is_ok(), ok, "{typed:?}");
        }
        assert_eq!(check_signature(" sam  superuser", "Sam Superuser").unwrap(), "sam superuser");
    }
}
