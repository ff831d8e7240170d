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
