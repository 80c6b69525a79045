package wizard

import (
	"errors"
	"fmt"
	"strings"

	tea "charm.land/bubbletea/v2"

	"github.com/xops/xops/entra"
	"github.com/xops/xops/entra/sandbox"
	"github.com/xops/xops/flow/wizard"
	"github.com/xops/xops/internal/safetext"
	"github.com/xops/xops/ui/uikit"
)

// sandboxDoneMsg reports a step performed in the simulated tenant.
type sandboxDoneMsg struct {
	step  entra.Step
	appID string
	err   error
}

// sandboxAppName is the name the sandbox app is registered under when the
// form has no friendly name yet.
const sandboxAppName = "Xops"

// sandboxDo performs step in the simulated Entra, as the admin would in the
// admin center. Steps left undone are what verification will catch.
func (m *Model) sandboxDo(step entra.Step) tea.Cmd {
	sb, appID := m.d.Sandbox, m.appID
	if appID == "" {
		// After a restart the app registered before is known only through
		// the draft's form (the sandbox tenant itself is persisted).
		appID = m.st.Form.AppID
	}
	if m.working != "" {
		return nil
	}
	name := m.st.Form.Name
	if name == "" {
		name = sandboxAppName
	}
	if step != entra.StepRegisterApp && step != entra.StepCopyIDs && appID == "" {
		return uikit.Status("Register the app first (step 1): the sandbox has no app yet.", true)
	}
	var run func() (string, error)
	switch step {
	case entra.StepRegisterApp:
		run = func() (string, error) { return sb.RegisterApp(name) }
	case entra.StepAddExchangePermission:
		run = func() (string, error) { return appID, sb.AddExchangePermission(appID) }
	case entra.StepGrantAdminConsent:
		run = func() (string, error) { return appID, sb.GrantAdminConsent(appID) }
	case entra.StepAssignGlobalReader:
		run = func() (string, error) { return appID, sb.AssignGlobalReader(appID) }
	case entra.StepCopyIDs:
		if appID == "" {
			return uikit.Status("Register the app first (step 1): there is no App ID to copy yet.", true)
		}
		run = func() (string, error) { return appID, nil }
	case entra.StepUploadCertificate:
		if len(m.pem) == 0 || m.st.Cred == nil || m.pemID != m.st.Cred.ID {
			return uikit.Status("The certificate does not exist yet: it is made after the form.", true)
		}
		cert := append([]byte(nil), m.pem...)
		run = func() (string, error) { return appID, sb.UploadCertificate(appID, cert) }
	default:
		return nil
	}
	m.working = "Sandbox: " + stepTitle(m, step) + "…"
	return tea.Batch(m.spin.Tick, func() tea.Msg {
		id, err := run()
		return sandboxDoneMsg{step: step, appID: id, err: err}
	})
}

func (m *Model) sandboxDone(msg sandboxDoneMsg) tea.Cmd {
	m.working = ""
	if msg.err != nil {
		// The sandbox's errors start "sandbox: ": say it once.
		text := "Sandbox: " + strings.TrimPrefix(safetext.Line(msg.err.Error()), "sandbox: ")
		if errors.Is(msg.err, sandbox.ErrNoSuchApp) {
			// The App ID came from the form (typed, or kept from an
			// earlier run): that is where to fix it.
			text += ". Check the App (client) ID on the Account details page (2/7)."
		}
		return m.sandboxSays(text, true)
	}
	if msg.appID == "" && msg.step == entra.StepRegisterApp {
		return m.sandboxSays("Sandbox: the app was registered but no App ID came back.", true)
	}
	if msg.appID != "" {
		m.appID = msg.appID
	}
	// The line below replaces any earlier one: apply must not clear it.
	m.sandboxStatus = false
	cmd := m.apply(wizard.MarkDone{Step: msg.step})
	done := fmt.Sprintf("Sandbox: done — %s", stepTitle(m, msg.step))
	if msg.step == entra.StepCopyIDs {
		done += " (fills the form)" // short: 60 columns hold it
	}
	return tea.Batch(cmd, m.sandboxSays(done, false))
}

// sandboxSays shows a status line about the page at hand, which the next
// page clears: it must not linger where it no longer applies.
func (m *Model) sandboxSays(text string, isErr bool) tea.Cmd {
	m.sandboxStatus = true
	return uikit.Status(text, isErr)
}

// stepTitle is a checklist step's title as the checklist shows it.
func stepTitle(m *Model, step entra.Step) string {
	for _, st := range m.steps {
		if st.ID == step {
			return st.Title
		}
	}
	return string(step)
}
