package wizard

import (
	"errors"
	"fmt"
	"strconv"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"charm.land/huh/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/xops/xops/flow/validate"
	"github.com/xops/xops/flow/wizard"
	"github.com/xops/xops/internal/safetext"
	"github.com/xops/xops/ui/uikit"
)

// formValues is what the huh fields are bound to; huh writes into it on
// every key press, so the draft can take it at any moment.
type formValues struct {
	name, appID, tenantID, org, days string
	keySize                          int
}

// formKeys are the form's keys as the help bar shows them (huh reads the
// keys itself; these only describe them, and esc, which is ours).
type formKeys struct {
	Next, Prev, Choose, Back key.Binding
}

// formView is the account form: a huh form of one group, our own inline
// messages under it, and the state of the final check.
type formView struct {
	v        *formValues
	form     *huh.Form
	k        formKeys
	styles   uikit.Styles
	fixing   bool            // the account exists: only the IDs can change
	touched  map[string]bool // fields the admin has left at least once
	focused  string          // the field with the cursor
	server   map[string]serverErr
	warning  string
	checking bool
	notice   string // about the last paste
	width    int
	height   int
}

// checkedMsg is the service's verdict on the form's values.
type checkedMsg struct {
	final    bool
	asked    wizard.Form // the values checked
	in       LinkInput
	warnings []string
	errs     []*validate.FieldError
}

// serverErr is the service's message about a field, with the value it was
// about: checks run in the background, so by the time one answers the admin
// may have typed on, and a message about an older value must not show.
type serverErr struct {
	value, msg string
}

// value returns what field holds in f, as text.
func fieldValue(f wizard.Form, field string) string {
	switch field {
	case validate.FieldName:
		return f.Name
	case validate.FieldAppID:
		return f.AppID
	case validate.FieldTenantID:
		return f.TenantID
	case validate.FieldOrganization:
		return f.Organization
	case validate.FieldKeySize:
		return strconv.Itoa(f.KeySize)
	case validate.FieldCertDays:
		return strconv.Itoa(f.CertDays)
	}
	return ""
}

func newFormView(f wizard.Form, s uikit.Styles, fixing bool, width int) *formView {
	v := &formValues{name: f.Name, appID: f.AppID, tenantID: f.TenantID, org: f.Organization,
		keySize: f.KeySize, days: strconv.Itoa(f.CertDays)}
	if v.keySize == 0 {
		v.keySize = wizard.DefaultKeySize
	}
	if f.CertDays == 0 {
		v.days = strconv.Itoa(wizard.DefaultCertDays)
	}
	fv := &formView{v: v, styles: s, fixing: fixing, width: width, touched: map[string]bool{}, server: map[string]serverErr{},
		k: formKeys{
			Next:   binding("enter/tab", "next", "enter", "tab"),
			Prev:   binding("shift+tab", "previous", "shift+tab"),
			Choose: binding("←/→", "key size", "left", "right"),
			Back:   binding("esc", "back", "esc"),
		}}
	fv.build()
	return fv
}

// label pads the field titles to one width so the inline values line up.
// On a narrow page the short names leave room for a whole GUID.
func (fv *formView) label(s string) string {
	if fv.width > 0 && fv.width < 60 {
		short := map[string]string{
			validate.LabelName: "Name", validate.LabelAppID: "App ID", validate.LabelTenantID: "Tenant ID",
			validate.LabelOrganization: "Org ID", validate.LabelKeySize: "Key size", "Lifetime in days": "Days",
		}
		return fmt.Sprintf("%-10s", short[s])
	}
	return fmt.Sprintf("%-22s", s)
}

// idInlineMin is the narrowest page on which an ID fits whole beside its
// short title: the focus bar and its padding (2), the title (10), the
// prompt (2) and a GUID (36).
const idInlineMin = 2 + 10 + 2 + 36

// idInline reports whether the IDs go beside their titles. On a narrower
// page (a 60-column terminal leaves 43 beside the side navigation) each ID
// goes under its title, where it is seen whole: huh scrolls a value wider
// than its field, and "-f3cf-4562-9ce3-dd0acb7f6a5d" was all the admin saw.
func (fv *formView) idInline() bool { return fv.width <= 0 || fv.width >= idInlineMin }

func (fv *formView) build() {
	v := fv.v
	input := func(key, title, placeholder string, value *string, check func(string) error) *huh.Input {
		return huh.NewInput().Key(key).Title(fv.label(title)).Inline(true).Placeholder(placeholder).
			Value(value).Validate(check).CharLimit(200)
	}
	id := func(key, title, placeholder string, value *string, check func(string) error) *huh.Input {
		if fv.idInline() {
			return input(key, title, placeholder, value, check)
		}
		return input(key, title, placeholder, value, check).Title(title).Inline(false)
	}
	var fields []huh.Field
	if !fv.fixing {
		fields = append(fields, input(validate.FieldName, validate.LabelName, "e.g. Contoso production", &v.name, checkName))
	}
	fields = append(fields,
		id(validate.FieldAppID, validate.LabelAppID, "paste the Application (client) ID", &v.appID, checkAppID),
		id(validate.FieldTenantID, validate.LabelTenantID, "paste the Directory (tenant) ID", &v.tenantID,
			func(s string) error { return checkTenantID(s, v.appID) }),
		id(validate.FieldOrganization, validate.LabelOrganization, "e.g. contoso.onmicrosoft.com", &v.org, checkOrganization),
	)
	if !fv.fixing {
		fields = append(fields,
			huh.NewSelect[int]().Key(validate.FieldKeySize).Title(fv.label(validate.LabelKeySize)).Inline(true).
				Options(huh.NewOption("2048 bits (recommended)", 2048), huh.NewOption("3072 bits", 3072),
					huh.NewOption("4096 bits", 4096)).Value(&v.keySize),
			input(validate.FieldCertDays, "Lifetime in days", "365", &v.days, checkDays),
		)
	}
	fv.form = huh.NewForm(huh.NewGroup(fields...)).
		WithShowHelp(false).WithShowErrors(false).
		WithTheme(formTheme(fv.styles)).
		WithKeyMap(formKeyMap())
	fv.resize()
}

// formKeyMap is huh's keymap without its own quit: ctrl+c belongs to the root.
func formKeyMap() *huh.KeyMap {
	km := huh.NewDefaultKeyMap()
	km.Quit = key.NewBinding(key.WithDisabled())
	return km
}

// formTheme follows our styles: huh's base theme without colour, Charm's with.
func formTheme(s uikit.Styles) huh.Theme {
	return huh.ThemeFunc(func(dark bool) *huh.Styles {
		var t *huh.Styles
		if s.NoColor {
			t = huh.ThemeBase(dark)
		} else {
			t = huh.ThemeCharm(dark)
		}
		t.FieldSeparator = t.FieldSeparator.SetString("\n")
		return t
	})
}

func (fv *formView) init() tea.Cmd {
	fv.focused = fieldKey(fv.form.GetFocusedField())
	return fv.form.Init()
}

func (fv *formView) setSize(w, h int) {
	fv.width, fv.height = w, h
	fv.resize()
}

func (fv *formView) resize() {
	if fv.form != nil && fv.width > 0 {
		fv.form.WithWidth(fv.width)
	}
}

func (fv *formView) setStyles(s uikit.Styles) {
	fv.styles = s
	if fv.form != nil {
		fv.form.WithTheme(formTheme(s))
	}
}

func (fv *formView) keys() keyList {
	fv.k.Choose.SetEnabled(fv.focused == validate.FieldKeySize)
	return keyList{fv.k.Next, fv.k.Prev, fv.k.Choose, fv.k.Back}
}

// values returns what the fields hold now, as typed (not yet checked).
func (fv *formView) values() wizard.Form {
	days, _ := strconv.Atoi(strings.TrimSpace(fv.v.days))
	return wizard.Form{Name: fv.v.name, AppID: fv.v.appID, TenantID: fv.v.tenantID,
		Organization: fv.v.org, KeySize: fv.v.keySize, CertDays: days}
}

func fieldKey(f huh.Field) string {
	if f == nil {
		return ""
	}
	return f.GetKey()
}

// updateForm feeds huh, notices when the admin leaves a field (the draft is
// saved then, and the name is checked against the store), and runs the full
// check when huh completes.
func (m *Model) updateForm(msg tea.Msg) tea.Cmd {
	fv := m.form
	if fv.checking || m.st.Busy {
		return nil
	}
	if k, ok := msg.(tea.KeyPressMsg); ok && key.Matches(k, fv.k.Back) {
		edit := m.apply(wizard.FormEdited{Form: fv.values()})
		return tea.Batch(edit, m.apply(wizard.Back{}))
	}
	if p, ok := msg.(tea.PasteMsg); ok && safetext.HasControl(p.Content) {
		// What a browser puts on the clipboard can carry escape sequences,
		// control or text-direction characters: they never reach the field
		// (where they would be drawn), and the admin is told.
		p.Content = strings.TrimSpace(safetext.Line(p.Content))
		msg = p
		fv.notice = "Removed control or invisible characters from what you pasted: check the value."
	} else if _, ok := msg.(tea.KeyPressMsg); ok {
		fv.notice = ""
	}
	model, cmd := fv.form.Update(msg)
	if f, ok := model.(*huh.Form); ok {
		fv.form = f
	}
	cmds := []tea.Cmd{cmd}
	if fv.form.State == huh.StateCompleted {
		for k := range fieldNames {
			fv.touched[k] = true
		}
		fv.checking = true
		return tea.Batch(cmd, checkCmd(m.d.Service, fv.values(), true, fv.fixing))
	}
	now := fieldKey(fv.form.GetFocusedField())
	if k, ok := msg.(tea.KeyPressMsg); ok && now == fv.focused && key.Matches(k, fv.k.Next) {
		// enter or tab refused to leave the field (huh's check failed): say
		// why, even when the field is still empty and so was never shown.
		fv.touched[fv.focused] = true
	}
	if now != fv.focused {
		fv.touched[fv.focused] = true
		fv.focused = now
		cmds = append(cmds, m.apply(wizard.FormEdited{Form: fv.values()}),
			checkCmd(m.d.Service, fv.values(), false, fv.fixing))
	}
	return tea.Batch(cmds...)
}

// checkCmd asks the service for its verdict (it reads the store: is the
// name taken?). While fixing a saved account, the name is its own, so only
// the fields on screen are checked, without the service.
func checkCmd(svc Service, f wizard.Form, final, fixing bool) tea.Cmd {
	return func() tea.Msg {
		if fixing {
			in, warning, errs := checkIDs(f)
			var warnings []string
			if warning != "" {
				warnings = []string{warning}
			}
			return checkedMsg{final: final, asked: f, in: linkInput(in), warnings: warnings, errs: errs}
		}
		in, warnings, errs := svc.CheckLinkInput(linkInput(f))
		return checkedMsg{final: final, asked: f, in: in, warnings: warnings, errs: errs}
	}
}

// formChecked shows the service's verdict; a clean final check submits.
func (m *Model) formChecked(msg checkedMsg) tea.Cmd {
	fv := m.form
	fv.server = map[string]serverErr{}
	for _, e := range msg.errs {
		fv.server[e.Field] = serverErr{value: fieldValue(msg.asked, e.Field), msg: e.Message}
	}
	fv.warning = strings.Join(msg.warnings, " ")
	if !msg.final {
		return nil
	}
	fv.checking = false
	if len(msg.errs) == 0 {
		f := wizardForm(msg.in)
		if fv.fixing {
			f = m.st.Form
			f.AppID, f.TenantID, f.Organization = msg.in.AppID, msg.in.TenantID, msg.in.Organization
		}
		var cmds []tea.Cmd
		if fv.warning != "" {
			cmds = append(cmds, uikit.Status(safetext.Line(fv.warning), false))
		}
		return tea.Batch(append(cmds, m.apply(wizard.Submit{Form: f}))...)
	}
	// huh's form is spent once completed: a new one with the same values,
	// the problems listed under it.
	vals := fv.values()
	server, touched := fv.server, fv.touched
	m.form = newFormView(vals, m.styles, fv.fixing, m.width)
	m.form.server, m.form.touched, m.form.warning = server, touched, fv.warning
	m.form.setSize(m.width, m.height)
	return m.form.init()
}

// fieldNames orders the fields for messages.
var fieldNames = map[string]int{
	validate.FieldName: 0, validate.FieldAppID: 1, validate.FieldTenantID: 2,
	validate.FieldOrganization: 3, validate.FieldKeySize: 4, validate.FieldCertDays: 5,
}

// messages lists the problems to show under the form: the focused field's
// as soon as it holds something, the others once the admin has left them.
func (fv *formView) messages() (errs []string, warning string) {
	v := fv.v
	local := map[string]error{}
	if !fv.fixing {
		local[validate.FieldName] = checkName(v.name)
		local[validate.FieldCertDays] = checkDays(v.days)
	}
	local[validate.FieldAppID] = checkAppID(v.appID)
	local[validate.FieldTenantID] = checkTenantID(v.tenantID, v.appID)
	local[validate.FieldOrganization] = checkOrganization(v.org)

	typed := map[string]string{validate.FieldName: v.name, validate.FieldAppID: v.appID,
		validate.FieldTenantID: v.tenantID, validate.FieldOrganization: v.org, validate.FieldCertDays: v.days}
	type item struct {
		order int
		text  string
	}
	var items []item
	for field, order := range fieldNames {
		show := fv.touched[field] || (field == fv.focused && typed[field] != "")
		if !show {
			continue
		}
		var fe *validate.FieldError
		switch err := local[field]; {
		case errors.As(err, &fe):
			items = append(items, item{order, fe.Label + ": " + fe.Message})
		case err != nil:
			items = append(items, item{order, err.Error()})
		case fv.server[field].msg != "" && fv.server[field].value == fieldValue(fv.values(), field):
			items = append(items, item{order, labelOf(field) + ": " + fv.server[field].msg})
		}
	}
	for i := 1; i < len(items); i++ {
		for j := i; j > 0 && items[j].order < items[j-1].order; j-- {
			items[j], items[j-1] = items[j-1], items[j]
		}
	}
	for _, it := range items {
		errs = append(errs, it.text)
	}
	if fv.touched[validate.FieldOrganization] || fv.focused == validate.FieldOrganization {
		if _, w, err := validate.Organization(v.org); err == nil {
			warning = w
		}
	}
	return errs, warning
}

func labelOf(field string) string {
	switch field {
	case validate.FieldName:
		return validate.LabelName
	case validate.FieldAppID:
		return validate.LabelAppID
	case validate.FieldTenantID:
		return validate.LabelTenantID
	case validate.FieldOrganization:
		return validate.LabelOrganization
	case validate.FieldKeySize:
		return validate.LabelKeySize
	case validate.FieldCertDays:
		return validate.LabelCertDays
	}
	return field
}

func (m *Model) viewForm() string {
	fv, s := m.form, m.styles
	w := max(m.width, 20)
	intro := "The IDs you copied in step 5. enter moves on; the last enter makes the key."
	if fv.fixing {
		intro = "Correct the IDs; enter on the last field saves them and verifies again."
	}
	lines := []string{header(s, wizard.StepForm, w)}
	if m.height >= 16 {
		lines = append(lines, s.Muted.Render(wrap(intro, w)))
	}
	var msgs []string
	errs, warning := fv.messages()
	for _, e := range errs {
		msgs = append(msgs, s.Bad.Render(hang("✗ ", safetext.Line(e), w)))
	}
	if warning != "" {
		msgs = append(msgs, s.Warn.Render(hang("! ", warning, w)))
	}
	if fv.notice != "" {
		msgs = append(msgs, s.Warn.Render(hang("! ", fv.notice, w)))
	}
	if fv.checking {
		msgs = append(msgs, s.Muted.Render("Checking…"))
	}
	room := m.height - lineCount(strings.Join(lines, "\n"))
	if len(msgs) > 0 {
		room -= lineCount(strings.Join(msgs, "\n"))
	}
	form := focusWindow(strings.Split(trimBlankTail(fv.form.View()), "\n"), room)
	lines = append(lines, strings.Join(form, "\n"))
	lines = append(lines, msgs...)
	return strings.Join(lines, "\n")
}

// focusWindow keeps at most room of the form's lines, the focused field's
// among them (huh marks its rows with "┃"), so that on a short page a
// message about the field shows whole under it instead of being cut at the
// bottom; the fields furthest from the focus go first. With room for all,
// or too little for the focused field, the lines are kept as they are.
func focusWindow(lines []string, room int) []string {
	if len(lines) <= room {
		return lines
	}
	first, last := -1, -1
	for i, l := range lines {
		if strings.HasPrefix(ansi.Strip(l), "┃") {
			if first < 0 {
				first = i
			}
			last = i
		}
	}
	if first < 0 || last-first+1 > room {
		return lines
	}
	// Centre the focused rows, then slide the window back inside the form.
	start := first - (room-(last-first+1))/2
	start = max(0, min(start, len(lines)-room))
	return lines[start : start+room]
}

// trimBlankTail drops the blank lines huh pads its group with.
func trimBlankTail(s string) string {
	lines := strings.Split(s, "\n")
	for len(lines) > 0 && strings.TrimSpace(ansi.Strip(lines[len(lines)-1])) == "" {
		lines = lines[:len(lines)-1]
	}
	return strings.Join(lines, "\n")
}
