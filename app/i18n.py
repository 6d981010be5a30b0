"""Every word the app shows, in English and Simplified Chinese.

``t(key, lang, **values)`` looks a key up and fills ``{placeholders}``. Keys are grouped by
prefix: ``rung.N`` and ``rung.N.tip`` for the ladder, ``param.KEY`` and ``param.KEY.tip`` for the
controls, ``choice.KEY.VALUE`` for the options of a choice, ``scenario.NAME`` for presets,
``chart.*`` and ``series.*`` for the charts. A programme's name and tooltip are declared on its
class (``label`` and ``about`` in :mod:`sim.interventions`); a scenario added later without
entries here is shown by its file name (:func:`name_of`) while its translation is written.
"""

from __future__ import annotations

from sim.interventions import REGISTRY
from sim.interventions.base import LANGUAGES

LANGS = LANGUAGES
DEFAULT_LANG = "en"
LANG_NAMES = {"en": "English", "zh": "中文"}

STRINGS: dict[str, dict[str, str]] = {
    # page
    "title": {"en": "Community participation: live workshop", "zh": "社区参与：现场工作坊"},
    "language.tip": {"en": "Switch every label between English and Chinese", "zh": "在中文和英文之间切换所有文字"},
    "section.run": {"en": "Run", "zh": "运行"},
    "section.scenario": {"en": "Scenario and community", "zh": "情景与社区"},
    "section.parameters": {"en": "Main parameters", "zh": "主要参数"},
    "section.programmes": {"en": "Programmes (interventions)", "zh": "干预项目"},
    "section.compare": {"en": "Side by side", "zh": "并排对比"},
    "step": {"en": "Step", "zh": "单步"},
    "step.tip": {"en": "Advance one week", "zh": "前进一周"},
    "play": {"en": "Play", "zh": "播放"},
    "play.tip": {"en": "Run week after week at the chosen speed", "zh": "按所选速度逐周连续运行"},
    "pause": {"en": "Pause", "zh": "暂停"},
    "pause.tip": {"en": "Stop after the current week", "zh": "当前一周结束后停止"},
    "reset": {"en": "Reset", "zh": "重置"},
    "reset.tip": {"en": "Start the community again at week 0 with the current settings",
                  "zh": "用当前设置从第 0 周重新开始"},
    "speed": {"en": "Speed: {value} weeks per second", "zh": "速度：每秒 {value} 周"},
    "speed.tip": {"en": "How fast Play runs (the largest communities may run slower)",
                  "zh": "“播放”的速度（社区很大时可能更慢）"},
    "week": {"en": "Week {week} of {steps}", "zh": "第 {week} 周（共 {steps} 周）"},
    "week.tip": {"en": "One step of the model is one week", "zh": "模型每步代表一周"},
    "deliberation_day": {"en": "deliberation day: meetings held this week", "zh": "协商日：本周召开会议"},
    "finished": {"en": "The run has reached its last week: press Reset, or raise the weeks to run.",
                 "zh": "已运行到最后一周：请按“重置”，或增加运行周数。"},
    "settings_changed": {"en": "Settings changed: press Reset to start the community again with them.",
                         "zh": "设置已更改：按“重置”用新设置重新开始。"},
    "scenario": {"en": "Scenario", "zh": "情景"},
    "scenario.tip": {"en": "A scenario preset (shipped, or your own in ./scenarios/): sets the parameters and programmes below",
                     "zh": "预设情景：设定下方的参数和干预项目"},
    "seed": {"en": "Seed", "zh": "随机种子"},
    "seed.tip": {"en": "The same seed and settings give the same community and the same run",
                 "zh": "相同的种子和设置产生相同的社区和相同的运行结果"},
    # programmes
    "programme.start": {"en": "Starts in week {value}", "zh": "第 {value} 周开始"},
    "programme.start.tip": {"en": "The first week the programme acts", "zh": "项目首次实施的周"},
    "programme.count": {"en": "People reached each time: {value}", "zh": "每次覆盖人数：{value}"},
    "programme.count.tip": {"en": "How many residents (or leaders, or officials) each round reaches",
                            "zh": "每轮覆盖的居民（或骨干、干部）人数"},
    "programme.share": {"en": "Share of residents reached: {value}", "zh": "覆盖居民比例：{value}"},
    "programme.share.tip": {"en": "Each resident is reached with this chance each round",
                            "zh": "每轮每位居民以此概率被覆盖"},
    "programme.weeks": {"en": "Weeks in force: {value}", "zh": "持续周数：{value}"},
    "programme.weeks.all": {"en": "Weeks in force: to the end", "zh": "持续周数：直到结束"},
    "programme.weeks.tip": {"en": "How long the rule holds (0: to the end of the run)",
                            "zh": "规则持续多久（0：直到运行结束）"},
    "programme.period": {"en": "Repeat every {value} weeks", "zh": "每 {value} 周重复一次"},
    "programme.period.once": {"en": "Repeat: once only", "zh": "重复：仅一次"},
    "programme.period.tip": {"en": "Run the programme again every so many weeks (0: once)",
                             "zh": "每隔若干周再次实施（0：仅一次）"},
    "compare.switch": {"en": "Show exactly with and without a programme bundle", "zh": "并排显示实施与未实施某组项目"},
    "compare.switch.tip": {"en": "Two copies of the same community from the same seed, differing only in the chosen programmes: on in the first, off in the second",
                           "zh": "同一种子生成的同一社区的两个副本，只在所选项目上不同：第一个实施，第二个未实施"},
    "compare.programme": {"en": "Programmes to compare", "zh": "对比的项目"},
    "compare.note": {"en": "Both start identical and differ only in these programmes; run a few seeds before drawing conclusions.",
                     "zh": "两者起点完全相同，只在这些项目上不同；得出结论前请多试几个种子。"},
    "panel.run": {"en": "The community", "zh": "社区"},
    "panel.with": {"en": "With: {programme}", "zh": "实施：{programme}"},
    "panel.without": {"en": "Without: {programme}", "zh": "未实施：{programme}"},
    "style.with": {"en": "solid line: with {programme}", "zh": "实线：实施{programme}"},
    "style.without": {"en": "dashed line: without {programme}", "zh": "虚线：未实施{programme}"},
    "and": {"en": " + ", "zh": "与"},
    # presentation, errors, connection
    "present": {"en": "Full screen", "zh": "全屏演示"},
    "present.tip": {"en": "Presentation mode: controls hidden, large type, the whole screen",
                    "zh": "演示模式：隐藏控制面板，放大字体，占满屏幕"},
    "present.leave": {"en": "Leave full screen", "zh": "退出全屏"},
    "error.run": {"en": "The model stopped with an error. The app keeps running: change a setting and press Reset.",
                  "zh": "模型运行出错而停止。应用仍在运行：请修改设置后按“重置”。"},
    "error.page": {"en": "Something went wrong on the page. It keeps running: press Continue.",
                   "zh": "页面出现问题，但仍在运行：请按“继续”。"},
    "error.config": {"en": "The model refused the settings: {name} = {value} is not allowed ({allowed}).",
                     "zh": "模型不接受这些设置：{name} = {value} 不被允许（{allowed}）。"},
    "error.config.other": {"en": "The model refused the settings. Change a setting and press Reset.",
                           "zh": "模型不接受这些设置。请修改设置后按“重置”。"},
    "error.allowed.range": {"en": "allowed: {lo} to {hi}", "zh": "允许范围：{lo} 到 {hi}"},
    "error.allowed.min": {"en": "allowed: at least {lo}", "zh": "允许范围：至少 {lo}"},
    "error.allowed.max": {"en": "allowed: at most {hi}", "zh": "允许范围：至多 {hi}"},
    "error.allowed.unknown": {"en": "see the setting's tooltip", "zh": "见该设置的提示"},
    "error.details": {"en": "Technical details", "zh": "技术细节"},
    "continue": {"en": "Continue", "zh": "继续"},
    "lost.title": {"en": "Connection to the server lost", "zh": "与服务器的连接已断开"},
    "lost.text": {"en": "The page no longer reaches the app's server (it may have been restarted). Reload to reconnect; your settings are kept in the address.",
                  "zh": "页面已无法连接到应用服务器（服务器可能已重启）。请重新加载以重新连接；设置保存在网址中，不会丢失。"},
    "lost.reload": {"en": "Reload and reconnect", "zh": "重新加载并连接"},
    "url.ignored": {"en": "Part of the page address was not understood and was ignored: {parts}",
                    "zh": "网址中有部分内容无法识别，已忽略：{parts}"},
    # seed
    "seed.rejected": {"en": "\u201c{text}\u201d is not a seed (a whole number from 0 to {max}); the seed stays {seed}.",
                      "zh": "“{text}”不是有效的随机种子（须为 0 到 {max} 之间的整数）；种子仍为 {seed}。"},
    "seed.apply": {"en": "Apply", "zh": "应用"},
    # scenario label
    "scenario.custom": {"en": "{name} (custom)", "zh": "{name}（已自定义）"},
    "scenario.custom.tip": {"en": "Some settings differ from the preset; pick the scenario again to restore it",
                            "zh": "部分设置与预设不同；重新选择该情景可恢复预设"},
    # trainer's toolkit
    "section.tools": {"en": "Trainer's tools", "zh": "培训师工具"},
    "run_to": {"en": "Run to week {value}", "zh": "运行到第 {value} 周"},
    "run_to.go": {"en": "Run to that week", "zh": "运行到该周"},
    "run_to.tip": {"en": "Play until this week, then pause", "zh": "一直运行到该周，然后暂停"},
    "view_week": {"en": "Showing week {value}", "zh": "显示第 {value} 周"},
    "view_week.tip": {"en": "Scrub back through the weeks run so far (the run itself stays where it is)",
                      "zh": "回看已运行的各周（运行本身不受影响）"},
    "view_week.back": {"en": "Looking back at week {week}: Play or Step returns to the latest week.",
                       "zh": "正在回看第 {week} 周：按“播放”或“单步”回到最新一周。"},
    "reference.keep": {"en": "Keep as reference", "zh": "保留为参照"},
    "reference.keep.tip": {"en": "Keep this run's curves (grey) on the charts, across Reset, to compare with the next run",
                           "zh": "把本次运行的曲线（灰色）保留在图表上，重置后仍然保留，便于与下次运行对比"},
    "reference.clear": {"en": "Remove reference", "zh": "移除参照"},
    "reference.shown": {"en": "grey line: reference ({name}, seed {seed}, to week {week})",
                        "zh": "灰线：参照（{name}，种子 {seed}，至第 {week} 周）"},
    "export.csv": {"en": "Data (CSV)", "zh": "数据（CSV）"},
    "export.csv.tip": {"en": "The weekly table behind the charts, one row per week (and per panel)",
                       "zh": "图表所依据的每周数据表，每周（每个面板）一行"},
    "export.png": {"en": "Chart (PNG)", "zh": "图表（PNG）"},
    "copy_link": {"en": "The page address holds these settings: bookmark or share it.",
                  "zh": "网址中保存了这些设置：可收藏或分享。"},
    "marker.start": {"en": "dotted line: {programme} starts (week {week})", "zh": "虚线：{programme}开始（第 {week} 周）"},
    "inspect.tip": {"en": "Click a resident to see their details", "zh": "点击某位居民查看详情"},
    "inspect.title": {"en": "Resident {row}", "zh": "居民 {row}"},
    "inspect.close": {"en": "Close", "zh": "关闭"},
    "inspect.courtyard": {"en": "courtyard {courtyard}, household {household}", "zh": "院落 {courtyard}，住户 {household}"},
    "inspect.rung": {"en": "highest rung reached: {rung}", "zh": "达到的最高梯级：{rung}"},
    "inspect.leader": {"en": "a leader (backbone)", "zh": "骨干"},
    "inspect.organisation": {"en": "member of organisation {org}", "zh": "组织 {org} 的成员"},
    "inspect.meetings": {"en": "meetings attended: {n}", "zh": "参加会议次数：{n}"},
    "inspect.attitudes": {"en": "interest {interest}, efficacy {efficacy}, trust {trust}, capacity {capacity}",
                          "zh": "兴趣 {interest}，效能感 {efficacy}，信任 {trust}，能力 {capacity}"},
    "inspect.panel": {"en": "in panel {panel}", "zh": "面板 {panel}"},
    # legend
    "legend": {"en": "Legend", "zh": "图例"},
    "legend.count.tip": {"en": "Residents whose highest rung so far is this one", "zh": "目前达到的最高梯级为此级的居民人数"},
    "group.non_participation": {"en": "Non-participation", "zh": "非参与"},
    "group.tokenism": {"en": "Tokenism", "zh": "象征性参与"},
    "group.citizen_power": {"en": "Citizen power", "zh": "公民权力"},
    "rung.1": {"en": "1 Manipulation", "zh": "1 操纵"},
    "rung.2": {"en": "2 Therapy", "zh": "2 治疗"},
    "rung.3": {"en": "3 Informing", "zh": "3 告知"},
    "rung.4": {"en": "4 Consultation", "zh": "4 咨询"},
    "rung.5": {"en": "5 Placation", "zh": "5 安抚"},
    "rung.6": {"en": "6 Partnership", "zh": "6 伙伴关系"},
    "rung.7": {"en": "7 Delegated power", "zh": "7 授权"},
    "rung.8": {"en": "8 Citizen control", "zh": "8 公民控制"},
    "rung.1.tip": {"en": "Never involved: cadres decided for them", "zh": "从未参与：由干部替他们决定"},
    "rung.2.tip": {"en": "Took part, but the chair steered the group and the proposal was ignored",
                   "zh": "参与了，但主持人操控了讨论，建议被忽略"},
    "rung.3.tip": {"en": "Told the result, or discussed without a proposal reaching officials",
                   "zh": "被告知结果，或讨论了但建议未送达干部"},
    "rung.4.tip": {"en": "Proposal heard by officials, then ignored", "zh": "建议被干部听取，随后被忽略"},
    "rung.5.tip": {"en": "Proposal partly adopted, or adopted while officials keep most power",
                   "zh": "建议被部分采纳，或在干部保留大部分权力时被采纳"},
    "rung.6.tip": {"en": "Proposal adopted with power shared between residents and officials",
                   "zh": "建议被采纳，居民与干部分享权力"},
    "rung.7.tip": {"en": "The residents' body decides", "zh": "由居民组织作出决定"},
    "rung.8.tip": {"en": "Residents decide and their own organisation carries it out",
                   "zh": "居民作出决定，并由自己的组织实施"},
    "legend.leader": {"en": "Leader (activist, backbone)", "zh": "骨干（积极分子）"},
    "legend.leader.tip": {"en": "Leaders chair groups, found organisations and draw neighbours in",
                          "zh": "骨干主持小组讨论、创建组织、带动邻居参与"},
    "legend.recreational": {"en": "Member of a hobby group", "zh": "兴趣类组织成员"},
    "legend.recreational.tip": {"en": "Purple ring: a recreational self-organisation (dancing, chess, gardening)",
                                "zh": "紫色圆环：兴趣类自组织（跳舞、下棋、园艺）"},
    "legend.public_good": {"en": "Member of a public-good group", "zh": "公益类组织成员"},
    "legend.public_good.tip": {"en": "Blue ring: a public-good self-organisation (courtyard self-governance, safety, mutual aid)",
                               "zh": "蓝色圆环：公益类自组织（院落自治、治安、互助）"},
    "legend.meeting": {"en": "Larger dot: at a meeting this week", "zh": "较大的点：本周参加会议"},
    "legend.meeting.tip": {"en": "Residents who attended a deliberation meeting this week",
                           "zh": "本周参加协商会议的居民"},
    "legend.officials": {"en": "Officials: cadres (squares), street office (diamond)",
                         "zh": "干部：居委会干部（方块）、街道办（菱形）"},
    "legend.officials.tip": {"en": "Grey to teal: more open to deliberation. Now: openness {openness}, responsiveness {responsiveness}",
                             "zh": "由灰到青：越愿意协商。当前：开放度 {openness}，回应度 {responsiveness}"},
    "legend.courtyard": {"en": "Circle: a courtyard (number); lines: ties between residents",
                         "zh": "圆圈：院落（编号）；连线：居民之间的关系"},
    "legend.courtyard.tip": {"en": "Households sit together inside their courtyard; faint lines cross courtyards",
                             "zh": "同一户的居民聚在自己的院落里；浅色连线跨越院落"},
    # charts
    "chart.participation": {"en": "Participation", "zh": "参与情况"},
    "chart.participation.tip": {"en": "Share of residents at a meeting on each deliberation day, and share who ever attended one",
                                "zh": "每个协商日参会居民比例，以及至少参加过一次的居民比例"},
    "chart.ladder": {"en": "Arnstein's ladder of participation: residents by highest rung",
                     "zh": "阿恩斯坦参与阶梯：按最高梯级划分的居民"},
    "chart.ladder.tip": {"en": "Shares of residents on each of Arnstein's eight rungs, week by week (colours as in the legend)",
                         "zh": "每周处于阿恩斯坦八级梯级各级的居民比例（颜色同图例）"},
    "chart.community_rung": {"en": "Community rung", "zh": "社区梯级"},
    "chart.community_rung.tip": {"en": "Median rung of the issues decided in the last year; bands: non-participation, tokenism, citizen power",
                                 "zh": "过去一年所决定议题的梯级中位数；色带：非参与、象征性参与、公民权力"},
    "chart.attitudes": {"en": "Efficacy, trust and satisfaction", "zh": "效能感、信任与满意度"},
    "chart.attitudes.tip": {"en": "Residents' mean sense of efficacy, trust in officials and satisfaction (0 to 1)",
                            "zh": "居民平均效能感、对干部的信任和满意度（0 到 1）"},
    "chart.organisations": {"en": "Organisations by purpose", "zh": "按类型划分的组织"},
    "chart.organisations.tip": {"en": "Self-organisations that exist each week, hobby groups and public-good groups",
                                "zh": "每周存在的自组织数量：兴趣类与公益类"},
    "chart.axis": {"en": "horizontal axis: week", "zh": "横轴：周"},
    "series.participation_rate": {"en": "at a meeting (deliberation days)", "zh": "参会（协商日）"},
    "series.ever_attended_share": {"en": "ever attended", "zh": "曾经参会"},
    "series.community_rung": {"en": "community rung", "zh": "社区梯级"},
    "series.mean_efficacy": {"en": "efficacy", "zh": "效能感"},
    "series.mean_trust": {"en": "trust in officials", "zh": "对干部的信任"},
    "series.mean_satisfaction": {"en": "satisfaction", "zh": "满意度"},
    "series.organisations_recreational": {"en": "hobby groups", "zh": "兴趣类组织"},
    "series.organisations_public_good": {"en": "public-good groups", "zh": "公益类组织"},
    "now": {"en": "now", "zh": "当前"},
    # scenarios
    "scenario.baseline": {"en": "Baseline: no programme", "zh": "基线：无干预"},
    "scenario.random_leaders": {"en": "Leaders assigned at random (São Tomé)", "zh": "随机分派骨干（圣多美）"},
    "scenario.empowerment_training": {"en": "Empowerment training (MOST course)", "zh": "赋能培训（MOST 课程）"},
    "scenario.chengdu_six_steps": {"en": "Chengdu: community building in six steps", "zh": "成都：社区营造六步法"},
    "scenario.jiaxing_three_social": {"en": "Jiaxing: three-social interaction", "zh": "嘉兴：三社互动"},
    "scenario.legacy_discussion_meetings": {"en": "Top-down discussion meetings (Gulou)", "zh": "自上而下的议事会（鼓楼）"},
    "scenario.most_training": {"en": "UNESCO MOST course (Chengdu 2016)", "zh": "联合国教科文组织 MOST 培训（成都 2016）"},
    "scenario.qingyang_college": {"en": "Qingyang courtyard governance college", "zh": "青羊院落治理学院"},
    # scenario descriptions
    "scenario.baseline.about": {"en": "The default community with no programme: meetings grow by snowball from the parties to an issue, leaders sit with their own courtyard, cadres keep most decision power.",
                                "zh": "没有任何干预项目的默认社区：会议由议题当事人滚雪球式发起，骨干留在本院落，干部保留大部分决策权。"},
    "scenario.random_leaders.about": {"en": "São Tomé style: from the first week leaders are dealt to discussion groups at random instead of sitting with their own courtyard.",
                                      "zh": "圣多美做法：从第一周起，骨干被随机分到各讨论小组，而不是留在自己的院落。"},
    "scenario.empowerment_training.about": {"en": "A course in the style of the MOST training: 100 residents trained in week 13, repeated every half year; the gains fade.",
                                            "zh": "类似 MOST 培训的课程：第 13 周培训 100 位居民，每半年重复一次；效果会逐渐减弱。"},
    "scenario.chengdu_six_steps.about": {"en": "Chengdu's return power, empower, re-position: community building in six steps, financed by the community public fund and decided by an elected deliberation council.",
                                         "zh": "成都“还权、赋能、归位”：社区营造六步法，由社区公益金资助，由选举产生的协商议事会决策。"},
    "scenario.jiaxing_three_social.about": {"en": "Jiaxing's party-led three-social interaction: a social-work room with three social workers on a yearly contract, and courses for residents every quarter.",
                                            "zh": "嘉兴党建引领的“三社互动”：社工室配备三名年度合同社工，每季度为居民开设培训课程。"},
    "scenario.legacy_discussion_meetings.about": {"en": "Long-established top-down discussion meetings (Gulou): only appointed members meet, cadres place the leaders and steer the meetings, keep almost all power and are overloaded; residents expect little.",
                                                  "zh": "长期存在的自上而下议事会（鼓楼）：只有指定成员参会，干部安排骨干并操控会议，几乎保留全部权力且负担过重；居民期望很低。"},
    "scenario.most_training.about": {"en": "UNESCO MOST course (Chengdu 2016): 20 community cadres and 10 social-organisation staff trained together in week 13, with questionnaires before, after and at the end.",
                                     "zh": "联合国教科文组织 MOST 培训（成都 2016）：第 13 周共同培训 20 名社区干部和 10 名社会组织人员，课前、课后及结束时进行问卷调查。"},
    "scenario.qingyang_college.about": {"en": "Qingyang courtyard governance college (Chengdu 2018): two backbones per courtyard a year, trained in three tiers with micro-project practicums, supported by social workers.",
                                        "zh": "青羊院落治理学院（成都 2018）：每年每个院落两名骨干，接受三级培训并进行微项目实践，由社工提供支持。"},
    # programmes
    "programme.unknown.tip": {"en": "Programme {name} (see sim/interventions/)", "zh": "项目 {name}（见 sim/interventions/）"},
    # main parameters
    "param.community.n_residents": {"en": "Residents: {value}", "zh": "居民人数：{value}"},
    "param.community.n_residents.tip": {"en": "Network nodes; 60 residents make one courtyard of 20 households",
                                        "zh": "网络节点数；60 位居民组成一个 20 户的院落"},
    "param.steps": {"en": "Weeks to run: {value}", "zh": "运行周数：{value}"},
    "param.steps.tip": {"en": "Length of the run in weeks", "zh": "运行时长（周）"},
    "param.deliberation.mode": {"en": "Deliberation mode", "zh": "协商模式"},
    "param.deliberation.mode.tip": {"en": "Who is invited to deliberation meetings and at what cost",
                                    "zh": "谁被邀请参加协商会议，以及参与成本"},
    "param.deliberation.leader_assignment": {"en": "How leaders are placed in groups", "zh": "骨干如何分组"},
    "param.deliberation.leader_assignment.tip": {"en": "Self-selected (own courtyard), appointed by cadres, or at random",
                                                 "zh": "自选（本院落）、干部指派或随机"},
    "param.deliberation.facilitation": {"en": "Neutral facilitation: {value}", "zh": "中立主持：{value}"},
    "param.deliberation.facilitation.tip": {"en": "1 removes the chair's pull on the group's opinion",
                                            "zh": "为 1 时主持人对小组意见不再有牵引力"},
    "param.deliberation.meeting_interval": {"en": "Weeks between deliberation days: {value}", "zh": "协商日间隔周数：{value}"},
    "param.deliberation.meeting_interval.tip": {"en": "Meetings are held every so many weeks when issues are open",
                                                "zh": "有待议议题时，每隔若干周召开会议"},
    "param.officials.responsiveness": {"en": "Officials' responsiveness: {value}", "zh": "干部回应度：{value}"},
    "param.officials.responsiveness.tip": {"en": "Chance officials answer a proposal (about a third respond at baseline)",
                                           "zh": "干部回应建议的概率（基线约三分之一回应）"},
    "param.officials.openness": {"en": "Officials' openness: {value}", "zh": "干部开放度：{value}"},
    "param.officials.openness.tip": {"en": "Chance an answer adopts the proposal", "zh": "回应时采纳建议的概率"},
    "param.officials.power_retained": {"en": "Power officials keep: {value}", "zh": "干部保留的权力：{value}"},
    "param.officials.power_retained.tip": {"en": "Below 0.7 decisions are shared; below 0.4 residents decide",
                                           "zh": "低于 0.7 时共同决策；低于 0.4 时由居民决定"},
    "param.leaders.n_initial": {"en": "Leaders at the start: {value}", "zh": "初始骨干人数：{value}"},
    "param.leaders.n_initial.tip": {"en": "Active residents who lead from week 1", "zh": "从第 1 周起发挥带头作用的积极居民"},
    "param.issues.rate": {"en": "Courtyard issues per week per 1,000 residents: {value}",
                          "zh": "每千名居民每周院落议题数：{value}"},
    "param.issues.rate.tip": {"en": "How often parking, safety or repair issues arise", "zh": "停车、治安、维修等议题出现的频率"},
    "param.community.interest_mean": {"en": "Interest in public affairs: {value}", "zh": "对公共事务的兴趣：{value}"},
    "param.community.interest_mean.tip": {"en": "Mean over residents (0 to 1)", "zh": "居民平均值（0 到 1）"},
    "param.community.efficacy_mean": {"en": "Sense of efficacy: {value}", "zh": "效能感：{value}"},
    "param.community.efficacy_mean.tip": {"en": "Mean belief that taking part changes anything (0 to 1)",
                                          "zh": "平均而言相信参与能带来改变的程度（0 到 1）"},
    "param.community.trust_mean": {"en": "Trust in officials: {value}", "zh": "对干部的信任：{value}"},
    "param.community.trust_mean.tip": {"en": "Mean over residents (0 to 1)", "zh": "居民平均值（0 到 1）"},
    # choices
    "choice.deliberation.mode.snowball": {"en": "Snowball: the parties to an issue", "zh": "滚雪球式：议题当事人发起"},
    "choice.deliberation.mode.elite": {"en": "Elite: everyday activists", "zh": "精英式：日常积极分子"},
    "choice.deliberation.mode.council": {"en": "Council: council members", "zh": "理事模式：理事会成员"},
    "choice.deliberation.mode.all_member": {"en": "All-member: one per household", "zh": "全员式：每户一名代表"},
    "choice.deliberation.mode.cloud": {"en": "Cloud: online chat groups", "zh": "云协商：线上群聊"},
    "choice.deliberation.mode.panoramic": {"en": "Panoramic: online and offline", "zh": "全景式：线上线下结合"},
    "choice.deliberation.leader_assignment.self_selected": {"en": "Self-selected", "zh": "自选"},
    "choice.deliberation.leader_assignment.appointed": {"en": "Appointed by cadres", "zh": "干部指派"},
    "choice.deliberation.leader_assignment.random": {"en": "At random", "zh": "随机"},
}


def t(key: str, lang: str = DEFAULT_LANG, **values) -> str:
    """The text for ``key`` in ``lang`` with ``{placeholders}`` filled from ``values``."""
    entry = STRINGS[key]
    text = entry.get(lang) or entry[DEFAULT_LANG]
    return text.format(**values) if values else text


def name_of(kind: str, name: str, lang: str) -> str:
    """Display name of a scenario or programme (``kind`` is ``scenario`` or ``programme``); a
    programme's comes from its class (``label``)."""
    if kind == "programme" and name in REGISTRY:
        return REGISTRY[name].label[lang]
    key = f"{kind}.{name}"
    return t(key, lang) if key in STRINGS else name.replace("_", " ")


def tip_of(kind: str, name: str, lang: str) -> str:
    """The tooltip of a scenario or programme; a programme's comes from its class (``about``)."""
    if kind == "programme" and name in REGISTRY:
        return REGISTRY[name].about[lang]
    key = f"{kind}.{name}.tip"
    return t(key, lang) if key in STRINGS else t("programme.unknown.tip", lang, name=name)


def lang_from_query(search: str | None, default: str = DEFAULT_LANG) -> str:
    """``zh`` for a URL query like ``lang=zh``; ``default`` when absent or not a known language."""
    for part in (search or "").lstrip("?").split("&"):
        key, _, value = part.partition("=")
        if key == "lang" and value in LANGS:
            return value
    return default
