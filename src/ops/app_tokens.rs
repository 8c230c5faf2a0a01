//! The tokens a link gives the registered apps (`login`, `apps add`, `apps sync`): every
//! app is read first, then plex.tv is asked for all of them at once (whether an app's own
//! token still works, else a new token of its own: a few round trips each, which one app
//! after another made a login with ten apps take seconds), then each app is written in
//! turn, in its own safe write, and config.toml records what each holds.

use tokio::task::JoinSet;

use super::apps::{Given, Outcome, Report, record, settle, shown};
use super::target::app::App;
use super::target::arr::Arr;
use super::target::bazarr_app::BazarrApp;
use super::target::seerr::Seerr;
use super::target::{DynTarget, LinkChange, Target};
use crate::apps;
use crate::context::Context;
use crate::error::Result;
use crate::plex::client::Identity;
use crate::plex::types::User;
use crate::plex::{Plex, PlexClient, mint};
use crate::secret::Secret;
use crate::store::config::AppEntry;

/// A registered app, opened, as the kind it is (its entry says what it was given).
enum Opened {
    File(Box<App>),
    Arr(Box<Arr>),
    Seerr(Box<Seerr>),
    Bazarr(Box<BazarrApp>),
}

impl Opened {
    fn set_own(&mut self, own: bool) {
        match self {
            Opened::File(a) => a.entry.own_token = own,
            Opened::Arr(a) => a.entry.own_token = own,
            Opened::Seerr(a) => a.entry.own_token = own,
            Opened::Bazarr(a) => a.entry.own_token = own,
        }
    }

    fn boxed(self) -> Box<DynTarget> {
        match self {
            Opened::File(a) => a,
            Opened::Arr(a) => a,
            Opened::Seerr(a) => a,
            Opened::Bazarr(a) => a,
        }
    }
}

/// One app after it was read.
enum Step {
    /// It needs a token chosen: the literal tokens it holds now.
    Needs {
        app: Opened,
        held: Vec<Secret>,
    },
    /// Nothing to choose: its own token still passes its own test, or it reads its token
    /// from elsewhere.
    Finished(Option<Box<DynTarget>>, Report),
    Failed(Report),
}

/// Which token an app gets, and why, when it is not its own.
type Choice = (Secret, Given, Option<String>);

/// Give every app in `entries` the link of `user`: an app whose own token still works keeps
/// it, any other gets a new token of its own, minted with `account_token`, or the account's
/// token where minting fails. Each app is written in its own safe write, then config.toml
/// records what each holds; when config.toml cannot be saved, every app is put back.
pub fn give_token(
    ctx: &Context,
    plex: &Plex,
    account_token: &Secret,
    user: &User,
    entries: &[AppEntry],
) -> Result<Vec<Report>> {
    let steps: Vec<Step> = entries
        .iter()
        .map(|e| read(ctx, e).unwrap_or_else(|err| Step::Failed(Report::failed(e, err))))
        .collect();
    let wanted: Vec<(usize, AppEntry, Vec<Secret>)> = steps
        .iter()
        .enumerate()
        .filter_map(|(i, step)| match step {
            Step::Needs { held, .. } => Some((i, entries[i].clone(), held.clone())),
            _ => None,
        })
        .collect();
    let mut choices = ctx.block_on(choose_all(ctx, plex, account_token, user.id, wanted));
    let mut reports = Vec::new();
    let mut written: Vec<Box<DynTarget>> = Vec::new();
    for (i, (step, entry)) in steps.into_iter().zip(entries).enumerate() {
        match step {
            Step::Needs { mut app, .. } => {
                let choice = choices[i]
                    .take()
                    .unwrap_or_else(|| fallback(account_token, "the request was lost"));
                match write(ctx, &mut app, entry, user, choice) {
                    Ok(report) => {
                        written.push(app.boxed());
                        reports.push(report);
                    }
                    Err(e) => reports.push(Report::failed(entry, e)),
                }
            }
            Step::Finished(app, report) => {
                written.extend(app);
                reports.push(report);
            }
            Step::Failed(report) => reports.push(report),
        }
    }
    record(ctx, &mut written, &mut reports)?;
    settle(ctx, &written);
    Ok(reports)
}

/// Open one app and read what it holds. Sonarr and Radarr are asked here whether their own
/// test still passes with their own token (they never show it).
fn read(ctx: &Context, entry: &AppEntry) -> Result<Step> {
    let needs = |app, held| Ok(Step::Needs { app, held });
    if entry.kind.is_bazarr() {
        let mut app = BazarrApp::open(entry)?;
        app.observe(ctx);
        let held = app.held().into_iter().collect();
        return needs(Opened::Bazarr(Box::new(app)), held);
    }
    if entry.kind.is_seerr() {
        let app = Seerr::open(ctx, entry)?;
        app.about(ctx)?;
        return needs(Opened::Seerr(Box::new(app)), Vec::new());
    }
    if entry.kind.is_api() {
        let app = Arr::open(ctx, entry)?;
        if entry.own_token && entry.token_fingerprint.is_some() && app.holds_working_token(ctx) {
            let report = done(entry, Vec::new(), Given::Kept, None);
            return Ok(Step::Finished(Some(Box::new(app)), report));
        }
        return needs(Opened::Arr(Box::new(app)), Vec::new());
    }
    let mut app = App::open(entry)?;
    app.observe(ctx);
    let view = app.file.view()?;
    let literal = view
        .slots
        .iter()
        .any(|s| !matches!(s.held, apps::Held::Elsewhere(_)));
    if !literal {
        let elsewhere = super::apps::elsewhere_in(entry, &view);
        let report = Report {
            name: entry.name.clone(),
            kind: entry.kind,
            path: shown(entry),
            outcome: Outcome::Elsewhere(elsewhere),
            note: None,
        };
        return Ok(Step::Finished(None, report));
    }
    let held = view.tokens().into_iter().cloned().collect();
    needs(Opened::File(Box::new(app)), held)
}

/// Write the chosen token into the app.
fn write(
    ctx: &Context,
    app: &mut Opened,
    entry: &AppEntry,
    user: &User,
    (token, given, note): Choice,
) -> Result<Report> {
    app.set_own(given != Given::Account);
    let change = LinkChange::Login {
        token: &token,
        user,
    };
    let written = match app {
        Opened::File(a) => a.write(ctx, change)?,
        Opened::Arr(a) => a.write(ctx, change)?,
        Opened::Seerr(a) => a.write(ctx, change)?,
        Opened::Bazarr(a) => a.write(ctx, change)?,
    };
    Ok(done(entry, written.changed_keys, given, note))
}

fn done(entry: &AppEntry, changed_keys: Vec<String>, given: Given, note: Option<String>) -> Report {
    Report {
        name: entry.name.clone(),
        kind: entry.kind,
        path: shown(entry),
        outcome: Outcome::Done {
            changed_keys,
            given: Some(given),
        },
        note,
    }
}

/// Every app's token, asked of plex.tv at once; `[i]` is `wanted`'s app `i`'s (`None` for
/// the others).
async fn choose_all(
    ctx: &Context,
    plex: &Plex,
    account_token: &Secret,
    user_id: u64,
    wanted: Vec<(usize, AppEntry, Vec<Secret>)>,
) -> Vec<Option<Choice>> {
    let mut out: Vec<Option<Choice>> = Vec::new();
    let mut set = JoinSet::new();
    for (i, entry, held) in wanted {
        out.resize(out.len().max(i + 1), None);
        let account = plex.client.clone();
        let token = account_token.clone();
        let timeout = ctx.request_timeout;
        set.spawn(async move {
            let choice = choose(&account, &token, user_id, &entry, &held, timeout).await;
            (i, choice)
        });
    }
    while let Some(joined) = set.join_next().await {
        if let Ok((i, choice)) = joined {
            out[i] = Some(choice);
        }
    }
    out
}

/// The token an app gets: its own, when the one it holds is the one plex-auth gave it and
/// plex.tv still takes it for this account; else a new one of its own; else the account's.
async fn choose(
    account: &PlexClient,
    account_token: &Secret,
    user_id: u64,
    entry: &AppEntry,
    held: &[Secret],
    timeout: std::time::Duration,
) -> Choice {
    let identity = Identity::for_app(entry.client_identifier.clone(), entry.kind.product());
    let client = match PlexClient::new(account.base().clone(), &identity, timeout) {
        Ok(client) => client,
        Err(e) => return fallback(account_token, &e.to_string()),
    };
    let ours = held.iter().find(|t| {
        entry.own_token && entry.token_fingerprint.as_deref() == Some(apps::fingerprint(t).as_str())
    });
    if let Some(own) = ours
        && matches!(client.user(own).await, Ok(u) if u.id == user_id)
    {
        return (own.clone(), Given::Kept, None);
    }
    match mint::token_for_app(&client, account, account_token).await {
        Ok(token) => (token, Given::Own, None),
        Err(e) => fallback(account_token, &e.to_string()),
    }
}

fn fallback(account_token: &Secret, why: &str) -> Choice {
    let note = format!(
        "plex.tv did not give it a token of its own ({why}), so it holds the account's token; `plex-auth apps sync` tries again"
    );
    (account_token.clone(), Given::Account, Some(note))
}
